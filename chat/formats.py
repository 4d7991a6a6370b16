"""One message, written for Slack (Block Kit) or for Microsoft Teams (an Adaptive Card).

A post is said once as a `ChatMessage` (plain text throughout) and shaped here for each
service, within its limits: Slack's header of 150 characters, sections of 3,000 (fields of
2,000, ten at most), 50 blocks and buttons of 75 characters, with `&`, `<` and `>` escaped in
mrkdwn so a name can never become a link or a mention; Teams gets an Adaptive Card 1.4 in the
message envelope that both its Workflows webhooks and its older Office 365 connectors take.
"""

from dataclasses import dataclass

SLACK_HEADER_MAX = 150
SLACK_SECTION_MAX = 3000
SLACK_FIELD_MAX = 2000
SLACK_FIELDS_MAX = 10
SLACK_BUTTON_MAX = 75
SLACK_BLOCKS_MAX = 50
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
ADAPTIVE_CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"


@dataclass(frozen=True)
class ChatItem:
    """A heading with lines under it: a pairing and its reasons."""

    heading: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChatMessage:
    """What a post says, in plain text; the link is absolute."""

    title: str
    summary: str  # one line: the notification's text, and what a client without cards shows
    paragraphs: tuple[str, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    items: tuple[ChatItem, ...] = ()
    more: str = ""  # said after the items when some were left out
    note: str = ""  # small print at the end
    link_label: str = ""
    link_url: str = ""
    items_title: str = ""


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def mrkdwn_escape(text: str) -> str:
    """Slack's three control characters, escaped as Slack asks: names stay text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mrkdwn(text: str, limit: int) -> dict:
    escaped = mrkdwn_escape(text)
    if len(escaped) > limit:
        # Escaping lengthens the text: cut it escaped, never in the middle of an entity.
        pieces, size = [], 0
        for character in text:
            piece = mrkdwn_escape(character)
            if size + len(piece) > limit - 1:
                break
            pieces.append(piece)
            size += len(piece)
        escaped = "".join(pieces).rstrip() + "…"
    return {"type": "mrkdwn", "text": escaped}


def _plain(text: str, limit: int) -> dict:
    return {"type": "plain_text", "text": shorten(text, limit), "emoji": True}


def slack_payload(message: ChatMessage) -> dict:
    """The message as Slack's incoming webhooks take it: `text` (the notification) and blocks."""
    blocks: list[dict] = [{"type": "header", "text": _plain(message.title, SLACK_HEADER_MAX)}]
    for paragraph in message.paragraphs:
        blocks.append({"type": "section", "text": _mrkdwn(paragraph, SLACK_SECTION_MAX)})
    facts = message.facts[:SLACK_FIELDS_MAX]
    if facts:
        blocks.append(
            {
                "type": "section",
                "fields": [_mrkdwn(f"{label}\n{value}", SLACK_FIELD_MAX) for label, value in facts],
            }
        )
    if message.items_title:
        blocks.append({"type": "section", "text": _mrkdwn(message.items_title, SLACK_SECTION_MAX)})
    # Room is kept for the closing blocks (more, note, divider, button); messages list fewer
    # items than that (see chat.messages.ITEMS_MAX) and say how many more there are.
    room = SLACK_BLOCKS_MAX - len(blocks) - 4
    for item in message.items[:room]:
        text = "\n".join([item.heading, *(f"• {line}" for line in item.lines)])
        blocks.append({"type": "section", "text": _mrkdwn(text, SLACK_SECTION_MAX)})
    if message.more:
        blocks.append({"type": "section", "text": _mrkdwn(message.more, SLACK_SECTION_MAX)})
    if message.note:
        blocks.append({"type": "context", "elements": [_mrkdwn(message.note, SLACK_SECTION_MAX)]})
    if message.link_url:
        blocks.append({"type": "divider"})
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": _plain(message.link_label, SLACK_BUTTON_MAX),
                        "url": message.link_url,
                        "action_id": "open",
                    }
                ],
            }
        )
    return {"text": mrkdwn_escape(shorten(message.summary, SLACK_SECTION_MAX)), "blocks": blocks}


def _text_block(text: str, **style: object) -> dict:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def teams_payload(message: ChatMessage) -> dict:
    """The message as Teams takes it from a Workflows webhook ("post to a channel when a
    webhook request is received") or an Office 365 connector: one Adaptive Card 1.4."""
    body: list[dict] = [_text_block(message.title, size="large", weight="bolder")]
    body += [_text_block(paragraph) for paragraph in message.paragraphs]
    if message.facts:
        body.append(
            {
                "type": "FactSet",
                "facts": [{"title": label, "value": value} for label, value in message.facts],
            }
        )
    if message.items_title:
        body.append(_text_block(message.items_title, weight="bolder", spacing="medium"))
    for item in message.items:
        body.append(
            {
                "type": "Container",
                "separator": True,
                "items": [
                    _text_block(item.heading, weight="bolder"),
                    *(_text_block(f"• {line}", spacing="none") for line in item.lines),
                ],
            }
        )
    if message.more:
        body.append(_text_block(message.more))
    if message.note:
        body.append(_text_block(message.note, isSubtle=True, size="small"))
    card = {
        "$schema": ADAPTIVE_CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": "1.4",
        "fallbackText": message.summary,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if message.link_url:
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": message.link_label, "url": message.link_url}
        ]
    return {
        "type": "message",
        "summary": message.summary,
        "attachments": [{"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}],
    }


def chat_payload(*, service: str, message: ChatMessage) -> dict:
    """The JSON body to post for `service` ("slack" or "teams")."""
    return slack_payload(message) if service == "slack" else teams_payload(message)
