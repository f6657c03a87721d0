"""An occurrence lasts the event's exact length (RFC 5545: a duration of hours is absolute
time) wherever its end is shown or sent: a 01:30-02:30 Europe/London weekly event lasts one
hour on the night the clocks spring forward too (01:30 GMT to 02:30 GMT, which London's
clocks show as 02:30-03:30 BST), not 01:30Z-01:30Z."""
from test_calendar_api import create, occurrences

NIGHT = {"title": "Night shift handover", "start": "2027-03-14T01:30:00",
         "end": "2027-03-14T02:30:00", "timezone": "Europe/London",
         "rrule": "FREQ=WEEKLY;BYDAY=SU"}
EVENT = "/api/groups/secret/calendar/night-shift-handover"
PAGE = "/groups/secret/calendar/night-shift-handover"
SPRING = "20270328T013000"  # the Sunday London springs forward (01:00 GMT -> 02:00 BST)


def spring_night(cast):
    listed = occurrences(cast, "2027-03-27T12:00:00Z", "2027-03-28T12:00:00Z").json
    return [(o["start"], o["end"]) for o in listed["occurrences"]]


def test_the_listing_gives_the_spring_forward_occurrence_its_hour(cast):
    create(cast, NIGHT)
    assert spring_night(cast) == [("2027-03-28T01:30:00+00:00", "2027-03-28T02:30:00+00:00")]


def test_moving_one_occurrence_without_an_end_keeps_its_exact_hour(cast):
    create(cast, NIGHT)
    cast.api["member"].put_json(f"{EVENT}/occurrences/{SPRING}",
                                {"title": "Handover (moved)", "start": "2027-03-28T01:30:00"})
    assert spring_night(cast) == [("2027-03-28T01:30:00+00:00", "2027-03-28T02:30:00+00:00")]


def test_moving_the_series_without_an_end_keeps_its_exact_hour(cast):
    create(cast, NIGHT)
    cast.api["member"].put_json(EVENT, {"start": "2027-03-28T01:30:00"})
    event = cast.api["member"].get(EVENT).json
    assert event["end"] == "2027-03-28T03:30:00+01:00"  # 02:30Z: an hour after 01:30Z
    assert spring_night(cast) == [("2027-03-28T01:30:00+00:00", "2027-03-28T02:30:00+00:00")]


def test_the_event_page_and_the_occurrence_form_show_the_exact_hour(cast, site):
    with site.open() as s:
        s["people"]["member"].update(timezone="Europe/London")
    create(cast, dict(NIGHT, start="2027-03-21T01:30:00", end="2027-03-21T02:30:00"))
    browser = cast.html("member")
    form = browser.get(f"{PAGE}/occurrence", {"rid": SPRING}).forms["form"]
    assert (form["start_time"].value, form["end_time"].value) == ("01:30", "03:30")
    cast.api["member"].delete(f"{EVENT}/occurrences/{SPRING}", status=204)
    page = browser.get(PAGE).html
    cancelled = [li.get_text(" ", strip=True) for li in page.select("li")
                 if "cancelled" in li.get_text()]
    assert len(cancelled) == 1 and "02:30–03:30" in cancelled[0], cancelled
    selected = browser.get(PAGE, {"rid": "20270321T013000"}).text
    assert "01:30–02:30" in selected  # the week before: GMT, nothing skipped


def test_the_week_view_shows_the_hour_as_london_clocks_read_it(cast, site):
    with site.open() as s:
        s["people"]["member"].update(timezone="Europe/London")
    create(cast, NIGHT)
    week = cast.html("member").get("/groups/secret/calendar/",
                                   {"view": "week", "date": "2027-03-28"})
    assert "02:30–03:30" in week.text and "01:30–" not in week.text
