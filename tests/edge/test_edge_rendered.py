"""The rendered-body cache of polls (edge/rendered.py): bounded, least recently used goes first."""

from edge.rendered import RenderedBodies


def test_a_body_is_rendered_once_per_etag_and_the_least_recently_used_goes_first():
    renders: list[str] = []

    def render(tag: str):
        def make() -> bytes:
            renders.append(tag)
            return tag.encode()

        return make

    bodies = RenderedBodies(kept=2)
    assert bodies.get("a", render("a")) == b"a"
    assert bodies.get("b", render("b")) == b"b"
    assert bodies.get("a", render("a")) == b"a"  # a hit: "a" is now the most recent
    bodies.get("c", render("c"))  # over the bound: "b" goes
    bodies.get("a", render("a"))
    bodies.get("b", render("b"))
    assert renders == ["a", "b", "c", "b"]
