"""What someone wrote in a reply, without the quoted tail, the "On ... wrote:" line and
their signature; and HTML mail as Markdown.

`trim(text, subject)` returns (kept, removed). Rules, in order:
- Code blocks (``` or ~~~ fences, and indented blocks) are never read for markers.
- A forward (Fwd:, FW:, TR:, WG:, RV:, Enc:, 转发...) keeps everything below its marker:
  the forwarded message is what the writer wants to share.
- The quoted tail goes: the first attribution ("On ... wrote:" in many languages, over up
  to three lines), Outlook's "-----Original Message-----" or header block (From/Sent/To
  in any language) below which nothing new was written; and a run of `>` lines at the end.
  Quotes followed by new text (interleaved or bottom-posted replies) stay, with their
  attribution.
- The signature goes: from an RFC 3676 delimiter (`-- `) or `--` line, and the "Sent from
  my phone" lines of mobile clients, when what follows them is short.
email_reply_parser (the library GitHub wrote for this) then looks at what is left: where it
finds a quoted or signature fragment at the end that the rules above missed, and what it
keeps is most of the text, its cut is taken.
"""
import re

from email_reply_parser import EmailReplyParser

FENCE = re.compile(r"^\s{0,3}(```|~~~)")
QUOTED = re.compile(r"^\s{0,3}>")
EMPHASIS = re.compile(r"[*_]{1,2}")
SPACES = re.compile(r"[\s\u00a0\u200e\u200f\u202a-\u202e]+")

# An attribution line: "On <date>, <someone> wrote:" and its translations.
ATTRIBUTION = re.compile(
    r"^(?:"
    r"on\b.{4,300}\b(?:wrote|writes|said)\s*:"
    r"|.{4,300}\b(?:wrote|writes)\s*:"
    r"|le\b.{4,300}a\s+[ée]crit\s*:"
    r"|.{4,300}\ba\s+[ée]crit\s*:"
    r"|am\b.{4,300}schrieb.{0,200}:"
    r"|.{4,300}\bschrieb\b.{0,200}:"
    r"|el\b.{4,300}escribi[óo]\s*:"
    r"|.{4,300}\bescribi[óo]\s*:"
    r"|(?:em|no dia|às|a)\b.{4,300}escreveu\s*:"
    r"|.{4,300}\bescreveu\s*:"
    r"|op\b.{4,300}schreef.{0,200}:"
    r"|il\b.{4,300}ha scritto\s*:"
    r"|.{2,300}(?:写道|寫道)\s*[:：]"
    r"|.{2,300}كتب\s*[:：]"
    r"|.{2,300}(?:كتبت|كتب\s+\S+)\s*[:：]"
    r")$", re.I)

ORIGINAL = re.compile(
    r"^-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine|"
    r"mensaje original|mensagem original|原始邮件|原始郵件|الرسالة الأصلية|"
    r"originalnachricht|messaggio originale)\s*-{2,}$", re.I)

FORWARD_MARK = re.compile(
    r"^(?:-{2,}\s*(?:forwarded message|weitergeleitete nachricht|message transféré|"
    r"mensaje reenviado|mensagem encaminhada|转发的邮件|الرسالة المُعاد توجيهها|"
    r"forwarded message)\s*-{2,}|begin forwarded message\s*:|début du message réexpédié\s*:|"
    r"anfang der weitergeleiteten nachricht\s*:|-{2,}\s*forwarded message\s*-{2,})$", re.I)

FORWARD_SUBJECT = re.compile(r"^\s*(?:\[[^\]]*\]\s*)?(?:fwd?|fw|tr|wg|rv|enc|i|转发|轉寄|"
                             r"إعادة توجيه|ref)\s*[:：]", re.I)

HEADER_FROM = re.compile(r"^(?:from|de|von|van|da|发件人|寄件者|من)\s*[:：]\s*\S", re.I)
HEADER_SENT = re.compile(r"^(?:sent|date|envoyé|gesendet|datum|enviado|enviada|fecha|data|"
                         r"发送时间|日期|寄件日期|أرسلت|أرسل|التاريخ|to|à|an|para|收件人|إلى)"
                         r"(?:\s+(?:em|le|am))?\s*[:：]", re.I)
RULE = re.compile(r"^(?:(?:\\?_){8,}|[\-=]{8,}|-{3,}|\*{3,})$")

SIG_DELIMITER = re.compile(r"^--\s?$")
MOBILE = re.compile(
    r"^(?:sent|envoyé|enviado|enviada|gesendet|von meinem|get|obtenir|télécharger|"
    r"descargar|baixe|scarica|发自|从我的|來自|أرسلت|أُرسلت|مُرسل)\b.{0,80}"
    r"(?:iphone|ipad|android|mobile|samsung|galaxy|outlook|yahoo|mail|blackberry|huawei|"
    r"xiaomi|smartphone|device|appareil|gerät|handy|dispositivo|móvil|movil|celular|"
    r"手机|手機|جهاز|protonmail|tablet)\b.{0,40}$|^(?:发自我的|从我的)\S{0,20}$|"
    r"^أرسلت من.{0,60}$", re.I)
SIG_MAX_LINES = 12  # a "signature" longer than this is more likely what someone wrote
# email_reply_parser's multi-quote regex backtracks in (occurrences of "On")² x length:
# 10 KB of "On x" lines took it 53 s. It is asked only about texts within these bounds.
LIBRARY_MAX_CHARS, LIBRARY_MAX_ON = 20_000, 40
# Longer texts are not trimmed (a post may be 100,000 characters, so it is too long
# whatever is cut): the rules are linear, and this bounds them to about half a second.
MAX_TRIMMED = 300_000


def normal(line):
    """A line as markers are matched: no Markdown emphasis, one space between words."""
    return SPACES.sub(" ", EMPHASIS.sub("", line)).strip()


def code_mask(lines):
    """True for the lines of fenced code blocks (and their fences). Indented lines are
    not taken for code: Yahoo and Outlook indent their attribution lines."""
    mask, fenced, fence = [], False, None
    for line in lines:
        found = FENCE.match(line)
        if fenced:
            mask.append(True)
            if found and found.group(1) == fence:
                fenced = False
        elif found:
            fenced, fence = True, found.group(1)
            mask.append(True)
        else:
            mask.append(False)
    return mask


def attribution_at(lines, i, code):
    """How many lines (1 to 3) an attribution starting at line i spans, else 0."""
    joined = ""
    for span in range(3):
        j = i + span
        if j >= len(lines) or code[j] or (span and not lines[j].strip()):
            return 0
        if QUOTED.match(lines[j]):
            return 0
        joined = f"{joined} {normal(lines[j])}".strip()
        if len(joined) > 400:
            return 0
        if ATTRIBUTION.match(joined):
            return span + 1
    return 0


def header_block_at(lines, i, code):
    """Lines i.. start an Outlook-style header block (From: then Sent:/Date:/To: within
    four lines); the block may begin with a rule or an 'Original Message' line."""
    if code[i]:
        return False
    text = normal(lines[i])
    if ORIGINAL.match(text):
        return True
    start = i + 1 if RULE.match(text) else i
    if start >= len(lines) or not HEADER_FROM.match(normal(lines[start])):
        return False
    window = [normal(line) for line in lines[start + 1:start + 5]]
    return sum(1 for line in window if HEADER_SENT.match(line)) >= 1


def new_text_after(lines, start, code):
    """True when some line after `start` is neither quoted, blank, a signature nor a
    header: the writer answered below a quote."""
    for j in range(start, len(lines)):
        line = lines[j]
        if not line.strip() or QUOTED.match(line):
            continue
        text = normal(line)
        if SIG_DELIMITER.match(line.rstrip("\n")) or MOBILE.match(text):
            return False
        if attribution_at(lines, j, code) or header_block_at(lines, j, code):
            return False
        return True
    return False


def is_forward(lines, subject, code):
    if subject and FORWARD_SUBJECT.match(subject):
        return True
    return any(not code[i] and FORWARD_MARK.match(normal(line))
               for i, line in enumerate(lines))


def next_quoted(lines):
    """For each index, the first quoted line at or below it (len(lines) if none): one
    pass from the end, so that asking at every attribution costs nothing."""
    found, below = [len(lines)] * (len(lines) + 1), len(lines)
    for j in range(len(lines) - 1, -1, -1):
        if QUOTED.match(lines[j]):
            below = j
        found[j] = below
    return found


def tail_start(lines, code, forward):
    """Index of the first line of the quoted tail, or len(lines)."""
    quoted_below = next_quoted(lines)
    first_written = next((j for j, line in enumerate(lines) if line.strip()), len(lines))
    for i in range(len(lines)):
        if code[i]:
            continue
        if not forward and header_block_at(lines, i, code):
            return back_over_rules(lines, i)
        span = attribution_at(lines, i, code)
        if span and not forward:
            if quoted_below[i + span] == len(lines):
                # the original below the attribution is not quoted (Yahoo, mobile apps):
                # it is the tail when the writer wrote above it
                if first_written < i:
                    return back_over_rules(lines, i)
            elif not new_text_after(lines, i + span, code):
                return back_over_rules(lines, i)
    if forward:
        return len(lines)
    # a run of quoted lines at the very end, below something new
    end = len(lines)
    j = end
    while j > 0 and (not lines[j - 1].strip() or (QUOTED.match(lines[j - 1])
                                                  and not code[j - 1])):
        j -= 1
    if j < end and any(QUOTED.match(line) for line in lines[j:]) and j > 0:
        return j
    return end


def back_over_rules(lines, i):
    """Where a cut at line i really starts: above the blank and rule lines before it."""
    while i > 0 and (not lines[i - 1].strip() or RULE.match(normal_rule(lines[i - 1]))):
        i -= 1
    return i


def normal_rule(line):
    return line.strip()


def signature_start(lines, code):
    """Index where a signature starts (a delimiter or a mobile line near the end). Only
    the last SIG_MAX_LINES + 1 written lines can start one, so only they are read: the
    written lines below each are counted once, from the end."""
    start, rest = len(lines), 0  # rest: written lines below `start`
    while start > 0 and rest + bool(lines[start - 1].strip()) <= SIG_MAX_LINES + 1:
        start -= 1
        rest += bool(lines[start].strip())
    below = [0] * (len(lines) - start + 1)
    for i in range(len(lines) - 1, start - 1, -1):
        below[i - start] = below[i - start + 1] + bool(lines[i].strip())
    for i in range(start, len(lines)):
        if code[i]:
            continue
        after = below[i - start + 1]
        if SIG_DELIMITER.match(lines[i].rstrip("\n")) and after <= SIG_MAX_LINES:
            return i
        if after <= 3 and MOBILE.match(normal(lines[i].rstrip())):
            return i
    return len(lines)


def trim(text, subject=""):
    """(what the writer wrote, what was cut off), both as text."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_TRIMMED:
        return text.strip("\n").rstrip(), ""
    lines = text.split("\n")
    code = code_mask(lines)
    forward = is_forward(lines, subject, code)
    cut = tail_start(lines, code, forward)
    kept_lines, removed_lines = lines[:cut], lines[cut:]
    if not forward:
        sig = signature_start(kept_lines, code[:cut])
        removed_lines = kept_lines[sig:] + removed_lines
        kept_lines = kept_lines[:sig]
        kept_lines = library_cut(kept_lines, code[:len(kept_lines)], removed_lines)
    kept = "\n".join(kept_lines).strip("\n").rstrip()
    removed = text[len("\n".join(kept_lines)):].strip("\n") if kept_lines else text.strip()
    return kept, removed


def library_cut(lines, code, removed):
    """email_reply_parser's cut of what the rules kept, when it only drops a short
    signature or quote fragment at the end (never inside code, never most of the text)."""
    if any(code):
        return lines
    text = "\n".join(lines)
    if len(text) > LIBRARY_MAX_CHARS or text.count("On") > LIBRARY_MAX_ON:
        return lines
    try:
        reply = EmailReplyParser.parse_reply(text)
    except Exception:  # the library's regexes on odd input: keep the rules' answer
        return lines
    if not reply or reply == text.strip():
        return lines
    if not text.strip().startswith(reply.strip()):
        return lines
    dropped = text.strip()[len(reply.strip()):]
    if len(reply.strip()) < 0.5 * len(text.strip()) or dropped.count("\n") > SIG_MAX_LINES:
        return lines
    if not any(QUOTED.match(x) or SIG_DELIMITER.match(x) for x in dropped.split("\n")):
        return lines
    kept = reply.strip().split("\n")
    return kept


def nearly_all_removed(kept, removed):
    """True when trimming left (almost) nothing of a message that said something."""
    kept_len = len(re.sub(r"\s+", "", kept))
    removed_len = len(re.sub(r"\s+", "", removed))
    return kept_len == 0 or (kept_len < 10 and removed_len > 20 * max(kept_len, 1))
