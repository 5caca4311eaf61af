"""The stored result format (svc_waste/results.py): drop-offs are `locations.v1.DropOff` in
`drop_offs`; rows stored before, and results sent by a worker of the previous release, carry them in
the deprecated `nearby` (NearbyPlace: map_url is field 9 there, 12 in DropOff) and read the same."""

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


def test_a_row_stored_before_drop_offs_reads_its_places_as_drop_offs():
    assert '"mapUrl"' in OLD_ROW and '"nearby"' in OLD_ROW
    result = results.parse(OLD_ROW)
    assert list(result.drop_offs) == [locations_pb2.DropOff(**STATION)]
    assert list(result.outcomes[0].drop_offs) == [locations_pb2.DropOff(**STATION | {"id": "loc-2"})]
    assert not result.nearby and not result.outcomes[0].nearby
    assert result.drop_offs[0].map_url == STATION["map_url"] and not result.drop_offs[0].opening_hours


def test_answering_an_old_row_shows_the_chosen_outcomes_places():
    given = domain.Answer("pet_clear", "clear", "plastic", "clear_pet", datetime(2026, 1, 1, tzinfo=UTC))
    answered = results.apply_answer(results.parse(OLD_ROW), given)
    assert [p.id for p in answered.drop_offs] == ["loc-2"] and not answered.nearby


def test_a_result_from_the_previous_worker_is_stored_as_drop_offs():
    sent = pb.ScanResult(
        item="Plastic",
        nearby=[pb.NearbyPlace(**STATION)],
        outcomes=[pb.ChoiceOutcome(choice_id="clear", nearby=[pb.NearbyPlace(**STATION)])],
    )
    stored = json.loads(results.dump(sent))
    assert "nearby" not in stored and "nearby" not in stored["outcomes"][0]
    assert (
        stored["dropOffs"]
        == stored["outcomes"][0]["dropOffs"]
        == [json_format.MessageToDict(locations_pb2.DropOff(**STATION))]
    )
    assert len(sent.nearby) == 1  # the request itself is left as it came


def test_a_current_result_round_trips_unchanged():
    result = pb.ScanResult(
        item="Plastic",
        drop_offs=[locations_pb2.DropOff(**STATION, opening_hours="24시간", licence="KOGL-1")],
        outcomes=[pb.ChoiceOutcome(choice_id="clear", drop_offs=[locations_pb2.DropOff(id="loc-2")])],
    )
    assert results.parse(results.dump(result)) == result
