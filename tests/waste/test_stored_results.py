"""The stored result format (svc_waste/results.py): places are `locations.v1.DropOff` in `drop_offs`
and, for this release, also in the deprecated `nearby` (NearbyPlace: map_url is field 9 there, 12 in
DropOff) wherever a result travels; rows are stored in the previous release's format, so that a
waste service of either release reads what the other wrote (a rolling update, a rollback)."""

import json
from datetime import UTC, datetime

from google.protobuf import json_format

from protos.wastecoach.locations.v1 import locations_pb2
from protos.wastecoach.waste.v1 import waste_pb2 as pb
from svc_waste import domain, results

STATION = {
    "id": "loc-1",
    "name": "투명 페트병 수거함",
    "kind": "recycling_station",
    "lat": 37.5,
    "lon": 127.0,
    "distance_m": 120.5,
    "accepts": ["clear_pet"],
    "address": "서울 중구 세종대로 110",
    "map_url": "https://map.kakao.com/link/map/loc-1",
}
# A row as the previous release stored it (the proto's JSON, keyed by field name).
OLD_ROW = json.dumps(
    {
        "category": {"code": "plastic"},
        "item": "Plastic",
        "nearby": [json_format.MessageToDict(pb.NearbyPlace(**STATION))],
        "needsConfirmation": True,
        "question": {"id": "pet_clear", "choices": [{"id": "clear", "category": {"code": "clear_pet"}}]},
        "outcomes": [
            {
                "choiceId": "clear",
                "category": {"code": "clear_pet"},
                "nearby": [json_format.MessageToDict(pb.NearbyPlace(**STATION | {"id": "loc-2"}))],
            }
        ],
        "model": "m1",
    },
    ensure_ascii=False,
)


def _place(**changes) -> tuple[locations_pb2.DropOff, pb.NearbyPlace]:
    return locations_pb2.DropOff(**STATION | changes), pb.NearbyPlace(**STATION | changes)


def test_a_row_stored_by_the_previous_release_reads_its_places_in_both_fields():
    assert '"mapUrl"' in OLD_ROW and '"nearby"' in OLD_ROW
    result = results.parse(OLD_ROW)
    drop_off, nearby = _place()
    assert list(result.drop_offs) == [drop_off] and list(result.nearby) == [nearby]
    assert (
        [p.id for p in result.outcomes[0].drop_offs] == [p.id for p in result.outcomes[0].nearby] == ["loc-2"]
    )
    assert result.drop_offs[0].map_url == STATION["map_url"] and not result.drop_offs[0].opening_hours


def test_answering_an_old_row_shows_the_chosen_outcomes_places():
    given = domain.Answer("pet_clear", "clear", "plastic", "clear_pet", datetime(2026, 1, 1, tzinfo=UTC))
    answered = results.apply_answer(results.parse(OLD_ROW), given)
    assert [p.id for p in answered.drop_offs] == [p.id for p in answered.nearby] == ["loc-2"]


def test_a_row_this_release_stores_has_only_fields_the_previous_release_knows():
    drop_off, _ = _place()
    sent = pb.ScanResult(
        item="Plastic",
        drop_offs=[drop_off],
        outcomes=[pb.ChoiceOutcome(choice_id="clear", drop_offs=[drop_off])],
    )
    stored = results.dump(sent)
    assert "dropOffs" not in stored
    assert (
        json.loads(stored)["nearby"]
        == json.loads(stored)["outcomes"][0]["nearby"]
        == [json_format.MessageToDict(pb.NearbyPlace(**STATION))]
    )
    # As the previous release parses it (no unknown field allowed): its places are there.
    previous = pb.ScanResult()
    json_format.Parse(stored, previous)
    assert previous.nearby[0].map_url == STATION["map_url"]
    assert len(sent.nearby) == 0  # the request itself is left as it came


def test_a_result_from_the_previous_worker_reads_back_as_drop_offs():
    _, nearby = _place()
    sent = pb.ScanResult(item="Plastic", nearby=[nearby])
    assert list(results.parse(results.dump(sent)).drop_offs) == [locations_pb2.DropOff(**STATION)]


def test_a_row_stored_by_a_later_release_stays_readable():
    later = json.dumps({"item": "Plastic", "placesOfTheFuture": [{"id": "x"}], "nearby": [STATION]})
    assert results.parse(later).drop_offs[0].id == "loc-1"


def test_a_current_result_round_trips_what_a_scan_shows():
    drop_off, _ = _place()
    result = pb.ScanResult(
        item="Plastic",
        drop_offs=[drop_off],
        outcomes=[pb.ChoiceOutcome(choice_id="clear", drop_offs=[locations_pb2.DropOff(id="loc-2")])],
    )
    assert results.parse(results.dump(result)) == results.both(result)
    # Opening hours, source, licence and update time are not kept in a result for this release (the
    # previous one cannot store them); a scan never showed them (edge/convert.py `nearby`).
    extra = locations_pb2.DropOff(**STATION, opening_hours="24시간", licence="KOGL-1")
    assert not results.parse(results.dump(pb.ScanResult(drop_offs=[extra]))).drop_offs[0].opening_hours
