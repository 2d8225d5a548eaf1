"""The article body as HTML, with each statement's passage marked.

The body is plain text. It is cut into paragraphs (blank lines) and, inside each
paragraph, at every start and end of a passage, so each piece of text is covered by
a known set of statements. A piece covered by statements is wrapped in one `<mark>`
per statement, nested in start order; the first piece of each statement's passage
carries `id="statement-<id>"`, the innermost mark links to the statement page. Marks
never cross a paragraph, and every piece of text is escaped, so overlapping or
paragraph-spanning passages still give well-formed HTML.

A statement that is never the innermost one (its passage is exactly another's, as when
an article credits the same words to two speakers) would get no link of its own: its
mark ends, after its last piece, with an empty link to its page, named for screen
readers and drawn by the style sheet, so the text stays exactly the article's.
"""

import re
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def _paragraphs(body: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph, trimmed of surrounding white space."""
    spans, start = [], 0
    for match in _PARAGRAPH_BREAK.finditer(body):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(body)))
    result = []
    for start, end in spans:
        while start < end and body[start].isspace():
            start += 1
        while end > start and body[end - 1].isspace():
            end -= 1
        if start < end:
            result.append((start, end))
    return result


def _text(piece: str) -> str:
    return "<br>".join(escape(line) for line in piece.split("\n"))


def highlight_body(body: str, passages: Iterable[tuple[int, int, object]]) -> SafeString:
    """HTML paragraphs of `body` with `passages` (start, end, statement) marked.

    `statement` needs `pk`, `get_absolute_url()` and `kind`.
    """
    passages = sorted(
        ((start, end, statement) for start, end, statement in passages if end > start),
        key=lambda item: (item[0], -item[1], item[2].pk),
    )
    paragraphs = []  # per paragraph: its pieces, each (text, statements covering it)
    for p_start, p_end in _paragraphs(body):
        cuts = {p_start, p_end}
        for start, end, _statement in passages:
            if start < p_end and end > p_start:
                cuts.update(cut for cut in (start, end) if p_start < cut < p_end)
        bounds = sorted(cuts)
        paragraphs.append(
            [
                (
                    _text(body[left:right]),
                    [s for start, end, s in passages if start <= left and right <= end],
                )
                for left, right in zip(bounds, bounds[1:], strict=False)
            ]
        )
    pieces = [piece for paragraph in paragraphs for piece in paragraph]
    linked = {covering[-1].pk for _piece, covering in pieces if covering}
    last_piece = {}  # statement pk -> index of the last piece it covers
    for index, (_piece, covering) in enumerate(pieces):
        for statement in covering:
            last_piece[statement.pk] = index
    opened: set[int] = set()  # statements whose id has been written
    html = []
    index = 0
    for paragraph in paragraphs:
        rendered = []
        for text, covering in paragraph:
            if not covering:
                rendered.append(text)
                index += 1
                continue
            innermost = covering[-1]
            text = (
                f'<a href="{escape(innermost.get_absolute_url())}" '
                f'title="Open statement {innermost.pk}">{text}</a>'
            )
            for statement in reversed(covering):
                attributes = f'class="passage passage-{escape(statement.kind)}"'
                if statement.pk not in opened:
                    attributes = f'id="statement-{statement.pk}" ' + attributes
                    opened.add(statement.pk)
                attributes += f' data-statement="{statement.pk}"'
                if statement.pk not in linked and last_piece[statement.pk] == index:
                    text += (
                        f'<a class="passage-also" href="{escape(statement.get_absolute_url())}" '
                        f'title="Open statement {statement.pk}" '
                        f'aria-label="Open statement {statement.pk}"></a>'
                    )
                text = f"<mark {attributes}>{text}</mark>"
            rendered.append(text)
            index += 1
        html.append("<p>" + "".join(rendered) + "</p>")
    return mark_safe("\n".join(html))
