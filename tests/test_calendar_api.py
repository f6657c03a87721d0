"""The calendar's JSON API: events, occurrences in a range, one-occurrence exceptions,
with a permission matrix over every row."""
import pytest

WHOS = ("anonymous", "outsider", "observer", "member", "manager", "admin")
CAN_READ = ("observer", "member", "manager")
CAN_EDIT = ("member", "manager")

WEEKLY = {"title": "Weekly policy call", "start": "2026-10-05T09:00:00",
          "end": "2026-10-05T10:00:00", "timezone": "Europe/London",
          "rrule": "FREQ=WEEKLY;BYDAY=MO", "location": "Zoom",
          "url": "https://example.org/call", "description": "Agenda in the *docs*."}


def create(cast, body=None, who="member", status=201):
    return cast.api[who].post_json("/api/groups/secret/calendar", body or WEEKLY,
                                   status=status)


def occurrences(cast, start, end, who="member", status=200):
    return cast.api[who].get("/api/groups/secret/calendar",
                             {"start": start, "end": end}, status=status)


def test_member_creates_event_and_gets_it_back(cast):
    answer = create(cast).json
    assert answer["id"] == "weekly-policy-call"
    event = cast.api["observer"].get("/api/groups/secret/calendar/weekly-policy-call").json
    assert event["start"] == "2026-10-05T09:00:00+01:00"
    assert event["end"] == "2026-10-05T10:00:00+01:00"
    assert event["timezone"] == "Europe/London"
    assert event["rrule"] == "FREQ=WEEKLY;BYDAY=MO"
    assert event["author"] == "member"
    assert "<em>docs</em>" in event["html"]
    assert event["uid"] == answer["uid"]


def test_weekly_meeting_stays_at_nine_london_time_across_the_clock_change(cast):
    create(cast)
    found = occurrences(cast, "2026-10-19T00:00:00Z", "2026-11-03T00:00:00Z").json
    starts = [o["start"] for o in found["occurrences"]]
    # The observer's (UTC) zone shows instants; 09:00 BST is 08:00Z, 09:00 GMT is 09:00Z.
    assert starts == ["2026-10-19T08:00:00+00:00", "2026-10-26T09:00:00+00:00",
                      "2026-11-02T09:00:00+00:00"]
    assert all(o["event"] == "weekly-policy-call" for o in found["occurrences"])


@pytest.mark.parametrize("who", WHOS)
def test_occurrence_list_permission_matrix(cast, who):
    create(cast)
    status = 200 if who in CAN_READ else 401 if who == "anonymous" else 404
    occurrences(cast, "2026-10-01", "2026-11-01", who=who, status=status)


@pytest.mark.parametrize("who", WHOS)
def test_create_permission_matrix(cast, who):
    status = {"anonymous": 401, "outsider": 404, "observer": 403, "admin": 404}.get(who, 201)
    create(cast, who=who, status=status)
    listed = occurrences(cast, "2026-10-01", "2026-11-01").json["occurrences"]
    assert len(listed) == (4 if status == 201 else 0)


@pytest.mark.parametrize("who", WHOS)
def test_event_get_put_delete_permission_matrix(cast, who):
    create(cast)
    url = "/api/groups/secret/calendar/weekly-policy-call"
    read = 200 if who in CAN_READ else 401 if who == "anonymous" else 404
    write = {"anonymous": 401, "outsider": 404, "admin": 404, "observer": 403}.get(who)
    cast.api[who].get(url, status=read)
    cast.api[who].put_json(url, {"title": "Renamed"}, status=write or 200)
    cast.api[who].delete(url, status=write or 204)
    still = cast.api["manager"].get(url, status="*")
    assert still.status_int == (404 if who in CAN_EDIT else 200)
    if still.status_int == 200:
        assert still.json["title"] == "Weekly policy call"


def test_put_changes_only_named_fields(cast):
    create(cast)
    url = "/api/groups/secret/calendar/weekly-policy-call"
    event = cast.api["member"].put_json(url, {"location": "Room 4"}).json
    assert event["location"] == "Room 4"
    assert event["start"] == "2026-10-05T09:00:00+01:00"
    event = cast.api["member"].put_json(url, {"start": "2026-10-05T10:00:00+01:00"}).json
    assert event["start"] == "2026-10-05T10:00:00+01:00"
    assert event["end"] == "2026-10-05T11:00:00+01:00"  # the duration is kept


def test_deleted_event_goes_to_trash_and_leaves_the_calendar(cast, site):
    create(cast)
    cast.api["member"].delete("/api/groups/secret/calendar/weekly-policy-call", status=204)
    assert occurrences(cast, "2026-10-01", "2026-11-01").json["occurrences"] == []
    with site.open() as s:
        trashed = s["groups"]["secret"]["trash"]["weekly-policy-call"]
        assert trashed.trash_record.deleted_by == "member"


@pytest.mark.parametrize("body, field", [
    ({"title": "", "start": "2026-10-05T09:00:00"}, "title"),
    ({"title": "x", "start": "yesterday"}, "start"),
    ({"title": "x", "start": "2026-10-05T09:00:00", "end": "2026-10-05T08:00:00"}, "end"),
    ({"title": "x", "start": "2026-10-05T09:00:00", "timezone": "Mars/Olympus"}, "timezone"),
    ({"title": "x", "start": "2026-10-05T09:00:00", "rrule": "FREQ=FORTNIGHTLY"}, "rrule"),
    ({"title": "x", "start": "2026-10-05T09:00:00", "rrule": "FREQ=WEEKLY;BYDAY=XX"}, "rrule"),
    ({"title": "x", "start": "2026-10-05T09:00:00", "rrule": "FREQ=SECONDLY"}, "rrule"),
    ({"title": "x", "start": "2026-10-05T09:00:00", "url": "javascript:alert(1)"}, "url"),
    ({"title": "x", "start": "2026-10-05T09:00:00", "colour": "red"}, "_body"),
    ({"title": "x", "start": "2026-10-05", "all_day": False}, "start"),
    ({"id": "Bad Id", "title": "x", "start": "2026-10-05T09:00:00"}, "id"),
    ({"title": "x", "start": "0001-01-01T09:00:00", "rrule": "FREQ=DAILY"}, "start"),
    ({"title": "x", "start": "2026-10-05T09:00:00",  # never happens: 30 February
      "rrule": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"}, "rrule"),
])
def test_bad_event_is_refused_and_changes_nothing(cast, body, field):
    answer = create(cast, body, status=400).json
    assert field in answer["fields"]
    assert occurrences(cast, "2026-09-01", "2026-12-01").json["occurrences"] == []


def test_taken_id_is_a_conflict(cast):
    create(cast, dict(WEEKLY, id="call"))
    create(cast, dict(WEEKLY, id="call"), status=409)


def test_json_body_is_required(cast):
    cast.api["member"].post("/api/groups/secret/calendar", "title=x", status=415)


def test_all_day_event_covers_its_days_in_every_zone(cast):
    create(cast, {"title": "Workshop", "start": "2026-11-23", "end": "2026-11-25",
                  "all_day": True})
    event = cast.api["member"].get("/api/groups/secret/calendar/workshop").json
    assert (event["start"], event["end"], event["all_day"]) == ("2026-11-23", "2026-11-25",
                                                                 True)
    found = occurrences(cast, "2026-11-24", "2026-11-25").json["occurrences"]
    assert [(o["start"], o["end"], o["all_day"]) for o in found] == [
        ("2026-11-23", "2026-11-25", True)]
    assert occurrences(cast, "2026-11-25", "2026-11-26").json["occurrences"] == []


def test_one_day_all_day_event_may_name_its_only_day_as_end(cast):
    create(cast, {"title": "Holiday", "start": "2026-12-25", "end": "2026-12-25",
                  "all_day": True})
    event = cast.api["member"].get("/api/groups/secret/calendar/holiday").json
    assert event["end"] == "2026-12-26"


@pytest.mark.parametrize("query", [{"start": "2026-13-01", "end": "2026-12-01"},
                                   {"start": "9000-01-01", "end": "9000-02-01"},
                                   {"start": "2026-12-01", "end": "2026-11-01"},
                                   {"start": "2026-01-01", "end": "2028-01-01"}])
def test_bad_ranges_are_refused(cast, query):
    cast.api["member"].get("/api/groups/secret/calendar", query, status=400)


def test_cancel_one_occurrence(cast):
    create(cast)
    base = "/api/groups/secret/calendar/weekly-policy-call/occurrences/"
    cast.api["member"].delete(base + "20261012T090000", status=204)
    found = occurrences(cast, "2026-10-01", "2026-10-31").json["occurrences"]
    assert [o["start"][:10] for o in found] == ["2026-10-05", "2026-10-19", "2026-10-26"]
    event = cast.api["member"].get("/api/groups/secret/calendar/weekly-policy-call").json
    assert event["exceptions"]["cancelled"] == ["20261012T090000"]
    cast.api["member"].delete(base + "20261013T090000", status=404)  # a Tuesday: not one
    cast.api["member"].delete(base + "not-a-date", status=404)
    cast.api["observer"].delete(base + "20261019T090000", status=403)
    cast.api["outsider"].delete(base + "20261019T090000", status=404)


def test_change_one_occurrence_moves_only_that_one(cast):
    create(cast)
    base = "/api/groups/secret/calendar/weekly-policy-call/occurrences/"
    event = cast.api["member"].put_json(base + "20261012T090000", {
        "start": "2026-10-13T14:00:00+01:00", "title": "Moved call"}).json
    assert event["exceptions"]["changed"][0]["recurrence_id"] == "20261012T090000"
    found = occurrences(cast, "2026-10-01", "2026-10-31").json["occurrences"]
    assert [(o["start"], o["title"], o["changed"]) for o in found] == [
        ("2026-10-05T08:00:00+00:00", "Weekly policy call", False),
        ("2026-10-13T13:00:00+00:00", "Moved call", True),
        ("2026-10-19T08:00:00+00:00", "Weekly policy call", False),
        ("2026-10-26T09:00:00+00:00", "Weekly policy call", False)]
    assert found[1]["end"] == "2026-10-13T14:00:00+00:00"
    assert found[1]["recurrence_id"] == "20261012T090000"
    cast.api["member"].put_json(base + "20261019T090000",
                                {"end": "2026-10-19T08:00:00+01:00"}, status=400)
    cast.api["member"].put_json(base + "20261019T090000", {"colour": "red"}, status=400)
    cast.api["observer"].put_json(base + "20261019T090000", {"title": "x"}, status=403)
    # undo the change
    cast.api["member"].post(base + "20261012T090000/restore", status=200)
    found = occurrences(cast, "2026-10-12", "2026-10-13").json["occurrences"]
    assert [(o["title"], o["changed"]) for o in found] == [("Weekly policy call", False)]
    cast.api["member"].post(base + "20261012T090000/restore", status=404)


def test_event_outside_the_group_is_404_for_outsiders_even_when_missing(cast):
    create(cast)
    for path in ("/api/groups/secret/calendar/weekly-policy-call",
                 "/api/groups/secret/calendar/no-such-event",
                 "/api/groups/secret/calendar"):
        cast.api["outsider"].get(path, status=404)


def test_occurrences_come_in_the_viewers_own_time_zone(cast, site):
    create(cast)
    with site.open() as s:
        s["people"]["observer"].update(timezone="Europe/London")
    found = occurrences(cast, "2026-10-19", "2026-11-03", who="observer").json
    assert found["timezone"] == "Europe/London"
    assert [o["start"] for o in found["occurrences"]] == [
        "2026-10-19T09:00:00+01:00", "2026-10-26T09:00:00+00:00", "2026-11-02T09:00:00+00:00"]


def test_events_are_searchable_by_members_only_and_leave_the_index_when_deleted(cast):
    create(cast, dict(WEEKLY, description="Bring the zanzibarquokka figures."))
    found = cast.api["member"].get("/api/search", {"q": "zanzibarquokka"}).json
    assert [(r["type"], r["group"]) for r in found["results"]] == [("event", "secret")]
    assert cast.api["outsider"].get("/api/search", {"q": "zanzibarquokka"}).json["total"] == 0
    cast.api["member"].put_json("/api/groups/secret/calendar/weekly-policy-call",
                                {"description": "Nothing but okapiledger to bring."})
    assert cast.api["member"].get("/api/search", {"q": "okapiledger"}).json["total"] == 1
    cast.api["member"].delete("/api/groups/secret/calendar/weekly-policy-call")
    assert cast.api["member"].get("/api/search", {"q": "weekly"}).json["results"] == []


def test_view_names_are_never_taken_as_event_ids(cast):
    assert create(cast, dict(WEEKLY, title="Add")).json["id"] == "add-2"
    assert "id" in create(cast, dict(WEEKLY, id="import"), status=400).json["fields"]
    cast.api["member"].get("/api/groups/secret/calendar/add-2")


def test_new_time_zone_alone_keeps_the_wall_clock_times(cast):
    create(cast)
    event = cast.api["member"].put_json("/api/groups/secret/calendar/weekly-policy-call",
                                        {"timezone": "Asia/Tokyo"}).json
    assert (event["start"], event["end"]) == ("2026-10-05T09:00:00+09:00",
                                              "2026-10-05T10:00:00+09:00")


def test_a_range_that_is_not_iso_8601_is_named_in_the_400(cast):
    answer = cast.api["member"].get("/api/groups/secret/calendar",
                                    {"start": "soon", "end": "2026-11-01"}, status=400).json
    assert answer["error"] == "invalid" and list(answer["fields"]) == ["start"]
