"""Every page reads in Indonesian: templates hold no text outside {% translate %} and
{% blocktranslate %} (the catalog test then makes sure each of those has its Indonesian)."""

import re
from pathlib import Path

import padu

TEMPLATES = sorted(Path(padu.__file__).resolve().parent.rglob("templates/**/*.html"))
# Names that read the same in every language.
SAME_IN_EVERY_LANGUAGE = {"CSV", "Padu", "· Padu", "Bahasa IndonesiaEnglish"}
HIDDEN = [
    r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}",
    r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}",
    r"{#.*?#}",
    r"<script.*?</script>",
    r"<style.*?</style>",
    r"{%.*?%}",
    r"{{.*?}}",
]
LABEL_ATTRIBUTE = re.compile(r'(?:aria-label|title|placeholder|alt)="([^"]*[A-Za-z]{3,}[^"]*)"')


def bare_text(source: str) -> list[str]:
    for pattern in HIDDEN:
        source = re.sub(pattern, "", source, flags=re.S)
    found = [f'attribute "{m.group(1)}"' for m in LABEL_ATTRIBUTE.finditer(source)]
    text = re.sub(r"<[^>]+>", " ", source)
    for line in text.splitlines():
        words = line.strip()
        if re.search(r"[A-Za-z]{3,}", words) and words not in SAME_IN_EVERY_LANGUAGE:
            found.append(words)
    return found


def test_the_templates_exist():
    assert len(TEMPLATES) > 30


def test_no_template_has_text_outside_the_translation_tags():
    problems = [
        f"{path.relative_to(Path(padu.__file__).parent)}: {text[:80]}"
        for path in TEMPLATES
        for text in bare_text(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "text not marked for translation:\n  " + "\n  ".join(problems)


def test_the_check_finds_bare_text():
    assert bare_text('<p>{% translate "Simpan" %}</p><button>Save</button>') == ["Save"]
    assert bare_text('<input placeholder="Search by name">') == ['attribute "Search by name"']
