"""The site's own 404 and 500 pages: its header, navigation and search, not Django's plain text."""

from django.views.defaults import server_error


def test_a_missing_page_answers_the_site_404_with_navigation_and_search(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Page not found</h1>" in page
    assert 'aria-label="Main"' in page  # the site's navigation
    assert 'id="not-found-q"' in page and 'action="/search/"' in page
    assert '<meta name="robots" content="noindex">' in page


def test_the_404_says_why_when_the_view_said_why(client, db):
    response = client.get("/dates/2023/02/31/")
    assert response.status_code == 404
    assert "There is no such date." in response.content.decode()


def test_a_server_error_answers_the_site_500_page(rf):
    # Django renders 500.html with no request and no context processors.
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert 'aria-label="Main"' in page and 'action="/search/"' in page
