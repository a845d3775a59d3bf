"""Numbers a page sends back (a record's id in a form's value or a link, a version, a page
number) must not be written with the thousands separator that USE_THOUSAND_SEPARATOR puts on
every number a template shows: "1.432" posted back is not the family 1432, and "page=20.000" is
no page. Each such place says `|unlocalize`; this test reads every template for them."""

import re
from pathlib import Path

import padu

ATTRIBUTE = re.compile(
    r"(?:value|href|hx-get|hx-post|hx-delete|hx-put|hx-vals|action|for|id|name|data-[a-z-]+"
    r'|aria-[a-z]+)="([^"]*)"'
)
EXPRESSION = re.compile(r"\{\{\s*([^}]+?)\s*\}\}")
# A record's id, a version, a page number: the names Padu gives them.
NUMBER = re.compile(r"(\.pk|\.id|_id|_pk|page_number|num_pages|\.version)$")
# Filters whose output is text already (no separator): the number is safe through them.
AS_TEXT = {"unlocalize", "stringformat", "urlencode", "slugify", "escapejs"}
# Names that end like a number's but hold text (a form field's HTML id, a generated slug).
TEXT_NAMES = re.compile(
    r"(auto_id|results_id|form_id|summary_id|op\.id|schema\.id|option\.id|weight\.id)$"
)
# The weights page's rows have a text id (w-<variable>-<n>).
TEXT_IN = {"welfare/weights.html": {"row.id"}}


def _places():
    root = Path(padu.__file__).parent
    for path in sorted(root.rglob("templates/**/*.html")):
        text = path.read_text()
        relative = path.as_posix().split("/templates/", 1)[1]
        for attribute in ATTRIBUTE.finditer(text):
            for expression in EXPRESSION.finditer(attribute.group(1)):
                name, *filters = (part.strip() for part in expression.group(1).split("|"))
                if not NUMBER.search(name) or TEXT_NAMES.search(name):
                    continue
                if name in TEXT_IN.get(relative, ()):
                    continue
                if any(f.split(":")[0] in AS_TEXT for f in filters):
                    continue
                line = text.count("\n", 0, attribute.start()) + 1
                yield f"{relative}:{line}: {{{{ {expression.group(1)} }}}}"


def test_ids_versions_and_page_numbers_are_written_without_a_thousands_separator():
    assert list(_places()) == []
