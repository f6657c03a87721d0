"""Reading tests/fixtures/mail/replies.txt: the corpus of replies and what trimming keeps."""
import os
import re

from workspace.mail.htmlmail import html_to_markdown
from workspace.mail.trim import trim

CORPUS = os.path.join(os.path.dirname(__file__), "fixtures", "mail", "replies.txt")


def cases():
    """[(name, client, language, subject, is_html, body, expected)]."""
    text = open(CORPUS, encoding="utf-8").read()
    found = []
    for chunk in text.split("\n#### case: ")[1:]:
        head, _, rest = chunk.partition("\n")
        body, _, expected = rest.partition("#### expected\n")
        fields = [f.strip() for f in head.split("|")]
        name, client, language, subject = fields[:4]
        found.append((name, client, language, subject, "html" in fields[4:],
                      body.rstrip("\n"), expected.rstrip("\n")))
    return found


def normal(text):
    return re.sub(r"\s+", " ", text).strip()


def trimmed(body, subject, is_html):
    return trim(html_to_markdown(body) if is_html else body, subject)


def score():
    """(right, total, [names of the cases trimmed wrong])."""
    wrong = []
    all_cases = cases()
    for name, _, _, subject, is_html, body, expected in all_cases:
        kept, _ = trimmed(body, subject, is_html)
        if normal(kept) != normal(expected):
            wrong.append(name)
    return len(all_cases) - len(wrong), len(all_cases), wrong


if __name__ == "__main__":
    right, total, wrong = score()
    print(f"{right}/{total} = {right / total:.0%}; wrong: {wrong}")
