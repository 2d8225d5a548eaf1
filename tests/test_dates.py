"""Date pages: /dates/<yyyy>/, /dates/<yyyy>/<mm>/, /dates/<yyyy>/<mm>/<dd>/."""

import datetime
import re

import pytest
from django.urls import reverse

from articles.models import Article, Event, PublicationStatus
from articles.website.dates import DATE_PAGE_LIMIT

from .factories import (
    ArticleFactory,
    EventFactory,
    EventParticipantFactory,
    RoleFactory,
    StatementFactory,
)
from .test_lists import hrefs, text

pytestmark = pytest.mark.django_db

DRAFT = PublicationStatus.DRAFT


def day_url(year: int, month: int, day: int) -> str:
    return reverse("articles:day", args=[f"{year:04d}", f"{month:02d}", f"{day:02d}"])


def month_url(year: int, month: int) -> str:
    return reverse("articles:month", args=[f"{year:04d}", f"{month:02d}"])


def linked_days(response) -> list[int]:
    """Day numbers that the calendar links to a day page."""
    return [
        int(day) for day in re.findall(r"/dates/\d{4}/\d{2}/(\d{2})/", response.content.decode())
    ]


def test_urls_are_zero_padded():
    assert reverse("articles:year", args=["2023"]) == "/dates/2023/"
    assert month_url(2023, 10) == "/dates/2023/10/"
    assert day_url(2023, 10, 28) == "/dates/2023/10/28/"


def test_day_page_shows_that_days_statements_and_events(client, demo):
    response = client.get(day_url(2023, 10, 28))
    assert response.status_code == 200
    assert [s.speaker.slug for s in response.context["statements"]] == ["james-cleverly"]
    assert response.context["articles"] == []
    assert sorted(e.slug for e in response.context["events"]) == [
        "blinken-cleverly-call-2023-10-28",
        "cleverly-cohen-call-2023-10-28",
        "idf-ground-operations-northern-gaza-2023-10",  # ongoing since the 27th
    ]
    content = text(response)
    assert "Saturday 28 October 2023" in content
    assert "Today @JamesCleverly spoke to @elicoh1" in content
    assert "Cleverly–Cohen phone call" in content


def test_day_page_shows_articles_published_that_day(client, demo):
    response = client.get(day_url(2023, 10, 30))
    assert [a.slug for a in response.context["articles"]] == [Article.objects.get().slug]
    # The four IDF claims and the US and UK condemnations take the article's date.
    assert len(response.context["statements"]) == 6
    speakers = sorted(s.speaker.slug for s in response.context["statements"])
    assert speakers == ["israel-defense-forces"] * 4 + ["united-kingdom", "united-states"]


def test_events_spanning_days_appear_on_each_of_them(client):
    EventFactory(
        title="Three-day truce",
        kind=Event.Kind.HUMANITARIAN,
        start_date=datetime.date(2023, 11, 24),
        end_date=datetime.date(2023, 11, 26),
    )
    for day in (24, 25, 26):
        assert "Three-day truce" in text(client.get(day_url(2023, 11, day)))
    assert "Three-day truce" not in text(client.get(day_url(2023, 11, 27)))
    assert linked_days(client.get(month_url(2023, 11))) == [24, 25, 26]


def test_events_of_the_same_dates_each_count_on_the_calendar(client):
    for title in ("Truce in the north", "Truce in the south"):
        EventFactory(
            title=title,
            start_date=datetime.date(2023, 11, 24),
            end_date=datetime.date(2023, 11, 25),
        )
    EventFactory(title="Strike", start_date=datetime.date(2023, 11, 25))
    EventFactory(title="Talks", start_date=datetime.date(2023, 11, 7))
    content = client.get(month_url(2023, 11)).content.decode()
    assert 'href="/dates/2023/11/07/" aria-label="7 November 2023: 1 record"' in content
    assert 'href="/dates/2023/11/24/" aria-label="24 November 2023: 2 records"' in content
    assert 'href="/dates/2023/11/25/" aria-label="25 November 2023: 3 records"' in content
    assert linked_days(client.get(month_url(2023, 11))) == [7, 24, 25]


def test_event_known_only_to_the_month_is_on_the_month_page_not_the_first(client, demo):
    strike = "Israel Air Force strike on a cell in the Mount Dov area"
    assert strike in text(client.get(month_url(2023, 10)))
    month_page = client.get(month_url(2023, 10)).content.decode()
    assert 'datetime="2023-10">October 2023</time>' in month_page
    assert strike not in text(client.get(day_url(2023, 10, 1)))
    assert strike in text(client.get(reverse("articles:year", args=["2023"])))


def test_month_calendar_links_the_days_with_records(client, demo):
    response = client.get(month_url(2023, 10))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<table class="calendar">' in content
    assert "<caption>" in content and ">October 2023</a></caption>" in content
    assert '<th scope="col"><abbr title="Monday">Mon</abbr></th>' in content
    # Attack 7, visits 18 and 19, calls and post 28, readout 29, article and IDF claims
    # 30; the ground operations, ongoing, every day from the 27th.
    assert linked_days(response) == [7, 18, 19, 27, 28, 29, 30, 31]
    assert 'href="/dates/2023/10/28/" aria-label="28 October 2023: 4 records">28</a>' in content


def test_day_page_marks_its_day_in_the_calendar(client, demo):
    content = client.get(day_url(2023, 10, 28)).content.decode()
    assert re.search(
        r'<td class="has-records" aria-current="date">\s*<a href="/dates/2023/10/28/"', content
    )


def test_year_page_has_twelve_calendars_and_everything_that_year(client, demo):
    response = client.get(reverse("articles:year", args=["2023"]))
    assert response.status_code == 200
    assert response.content.decode().count('<table class="calendar">') == 12
    assert len(response.context["statements"]) == 9
    assert len(response.context["events"]) == 7
    assert len(response.context["articles"]) == 1
    assert "/dates/2023/10/" in hrefs(response)


def test_previous_and_next_navigation(client, demo):
    day = client.get(day_url(2023, 10, 28))
    assert "/dates/2023/10/27/" in hrefs(day) and "/dates/2023/10/29/" in hrefs(day)
    assert "‹ Friday 27 October 2023" not in text(day)  # labels are short dates
    assert "‹ 27 October 2023" in text(day)
    month = client.get(month_url(2024, 1))
    assert "/dates/2023/12/" in hrefs(month) and "/dates/2024/02/" in hrefs(month)
    year = client.get(reverse("articles:year", args=["2023"]))
    assert "/dates/2022/" in hrefs(year) and "/dates/2024/" in hrefs(year)
    last = client.get(day_url(9999, 12, 31))
    assert last.status_code == 200 and "/dates/10000/01/01/" not in hrefs(last)
    assert "/dates/0000/" not in hrefs(client.get(reverse("articles:year", args=["0001"])))


def test_day_and_month_link_up_to_month_and_year(client, demo):
    links = hrefs(client.get(day_url(2023, 10, 28)))
    assert "/dates/2023/" in links and "/dates/2023/10/" in links


def test_period_without_records_says_nothing_recorded(client, demo):
    response = client.get(reverse("articles:year", args=["1999"]))
    assert response.status_code == 200
    assert "Nothing recorded in 1999: no published statements, articles or events." in text(
        response
    )
    assert response.content.decode().count('<table class="calendar">') == 12
    assert linked_days(response) == []
    assert "Nothing recorded on Sunday 1 October 2023" in text(client.get(day_url(2023, 10, 1)))


@pytest.mark.parametrize(
    "url",
    [
        "/dates/2023/13/",
        "/dates/2023/00/",
        "/dates/2023/02/31/",
        "/dates/2023/02/29/",  # not a leap year
        "/dates/2023/04/31/",
        "/dates/2023/10/00/",
        "/dates/0000/",
        "/dates/0000/01/01/",
        "/dates/23/",
        "/dates/2023/1/",
        "/dates/2023/10/32/",
    ],
)
def test_impossible_dates_answer_404(client, url):
    assert client.get(url).status_code == 404


def test_leap_day_exists(client):
    assert client.get("/dates/2024/02/29/").status_code == 200


def test_drafts_never_appear_on_date_pages(client, demo):
    seed = Article.objects.get()
    StatementFactory(
        article=seed,
        said_on=datetime.date(2023, 10, 28),
        status=DRAFT,
        kind="paraphrase",
        text="A draft claim.",
    )
    hidden = ArticleFactory(title="Draft report", published_on=datetime.date(2023, 10, 28))
    hidden.status = DRAFT
    hidden.save()
    StatementFactory(article=hidden, said_on=datetime.date(2023, 10, 28))
    EventFactory(title="Draft event", start_date=datetime.date(2023, 10, 28), status=DRAFT)
    # A day whose only records are drafts is not linked in the calendar.
    ArticleFactory(title="Other draft", published_on=datetime.date(2023, 10, 3), status=DRAFT)

    response = client.get(day_url(2023, 10, 28))
    content = text(response)
    assert "A draft claim." not in content
    assert "Draft report" not in content
    assert "Draft event" not in content
    assert "We will keep talking." not in content
    assert len(response.context["statements"]) == 1
    # The calls, the post and the ongoing ground operations.
    assert 'aria-label="28 October 2023: 4 records">28</a>' in response.content.decode()
    assert 3 not in linked_days(client.get(month_url(2023, 10)))


def test_long_periods_show_the_first_records_and_link_to_the_full_list(client, settings):
    article = ArticleFactory(published_on=datetime.date(2022, 5, 5))
    StatementFactory.create_batch(DATE_PAGE_LIMIT + 1, article=article)
    response = client.get(day_url(2022, 5, 5))
    assert len(response.context["statements"]) == DATE_PAGE_LIMIT
    assert f"Showing the first {DATE_PAGE_LIMIT}." in text(response)
    assert "/statements/?date_from=2022-05-05&date_to=2022-05-05" in hrefs(response)


@pytest.mark.parametrize("rows", [5, 200])
def test_date_pages_query_count_does_not_grow(client, django_assert_max_num_queries, rows):
    day = datetime.date(2023, 10, 28)
    article = ArticleFactory(published_on=day)
    for n in range(rows):
        statement = StatementFactory(article=article, said_on=day - datetime.timedelta(days=n % 20))
        RoleFactory(person=statement.speaker)
        event = EventFactory(start_date=day - datetime.timedelta(days=n % 20))
        EventParticipantFactory(event=event)
    ArticleFactory.create_batch(rows, published_on=day)
    # 1-3 records per day for the calendar (statements, articles, events), 4 the
    # statements (first 51, with speaker, article, outlet, event), 5 their speakers'
    # roles (prefetch), 6 the articles with outlets, 7 the events with places,
    # 8 their participations with actors (prefetch).
    for url in (
        day_url(2023, 10, 28),
        month_url(2023, 10),
        reverse("articles:year", args=["2023"]),
    ):
        with django_assert_max_num_queries(8):
            response = client.get(url)
        assert response.status_code == 200
        assert response.context["statements"]


@pytest.mark.parametrize(
    "url", ["/dates/0001/", "/dates/0001/01/", "/dates/0001/01/01/", "/dates/9999/12/"]
)
def test_the_first_and_last_representable_dates_render(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "Nothing recorded" in text(response)


def test_date_page_summarises_what_it_holds(client, demo):
    assert "1 statement · 0 articles · 3 events" in text(client.get(day_url(2023, 10, 28)))
    assert "6 statements · 1 article · 1 event" in text(client.get(day_url(2023, 10, 30)))
