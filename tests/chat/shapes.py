"""What Slack and Teams accept, checked here as far as each documents it.

Slack: Block Kit's rules for the blocks used (header, section, context, actions, divider): the
block types, the text objects' types, the lengths (header 150, section text 3,000, fields 2,000
and ten at most, button text 75, URL 3,000), 50 blocks at most, and no keys a block does not
have. Teams: the message envelope of incoming webhooks, the Adaptive Card against the JSON
schema the adaptivecards-designer npm package 2.4.4 ships (MIT; `src/adaptive-card-schema.ts`
saved as adaptive-card-schema.json beside this file), and the documented required fields of
1.4 that this older schema leaves open (a TextBlock's text, a Fact's title and value, an
OpenUrl's title and absolute url).
"""

import json
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema

SCHEMA = json.loads((Path(__file__).with_name("adaptive-card-schema.json")).read_text())

TEXT_TYPES = {"plain_text", "mrkdwn"}
BLOCK_KEYS = {
    "header": {"type", "text", "block_id"},
    "section": {"type", "text", "fields", "accessory", "block_id"},
    "context": {"type", "elements", "block_id"},
    "actions": {"type", "elements", "block_id"},
    "divider": {"type", "block_id"},
}


def _text_object(obj: dict, *, limit: int, types: set[str] = TEXT_TYPES) -> None:
    assert set(obj) <= {"type", "text", "emoji", "verbatim"}, obj
    assert obj["type"] in types, obj
    assert isinstance(obj["text"], str), obj
    assert 0 < len(obj["text"]) <= limit, obj
    if obj["type"] == "mrkdwn":
        assert "emoji" not in obj, obj
        # Escaped: no raw control characters but those of the escapes themselves.
        stripped = obj["text"].replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")
        assert not {"<", ">", "&"} & set(stripped), obj


def check_slack(payload: dict) -> None:
    assert set(payload) == {"text", "blocks"}
    assert isinstance(payload["text"], str)
    assert payload["text"]
    blocks = payload["blocks"]
    assert 0 < len(blocks) <= 50
    for block in blocks:
        kind = block["type"]
        assert kind in BLOCK_KEYS, kind
        assert set(block) <= BLOCK_KEYS[kind], block
        if kind == "header":
            _text_object(block["text"], limit=150, types={"plain_text"})
        elif kind == "section":
            assert "text" in block or "fields" in block, block
            if "text" in block:
                _text_object(block["text"], limit=3000)
            if "fields" in block:
                assert 0 < len(block["fields"]) <= 10, block
                for item in block["fields"]:
                    _text_object(item, limit=2000)
        elif kind == "context":
            assert 0 < len(block["elements"]) <= 10, block
            for element in block["elements"]:
                _text_object(element, limit=3000)
        elif kind == "actions":
            assert 0 < len(block["elements"]) <= 25, block
            for element in block["elements"]:
                assert element["type"] == "button", element
                assert set(element) <= {"type", "text", "url", "action_id", "value", "style"}
                _text_object(element["text"], limit=75, types={"plain_text"})
                assert len(element["url"]) <= 3000
                assert len(element["action_id"]) <= 255
                assert urlsplit(element["url"]).scheme in ("http", "https"), element


def _walk(elements: list[dict]):
    for element in elements:
        yield element
        yield from _walk(element.get("items", []))


def check_teams(payload: dict) -> dict:
    """The card, once checked."""
    assert payload["type"] == "message"
    [attachment] = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    jsonschema.Draft6Validator(SCHEMA).validate(card)
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert card["type"] == "AdaptiveCard"
    assert card["version"] == "1.4"
    assert card["body"]
    for element in _walk(card["body"]):
        assert element["type"] in {"TextBlock", "FactSet", "Container"}, element
        if element["type"] == "TextBlock":
            assert isinstance(element["text"], str), element
            assert element["text"], element
        if element["type"] == "FactSet":
            for fact in element["facts"]:
                assert set(fact) == {"title", "value"}, fact
                assert all(isinstance(v, str) and v for v in fact.values()), fact
        if element["type"] == "Container":
            assert element["items"], element
    for action in card.get("actions", []):
        assert action["type"] == "Action.OpenUrl", action
        assert action["title"], action
        assert urlsplit(action["url"]).scheme in ("http", "https"), action
    return card


def check(service: str, payload: dict) -> None:
    if service == "slack":
        check_slack(payload)
    else:
        check_teams(payload)


def link_of(service: str, payload: dict) -> str:
    """The message's button: Slack's actions block, Teams' OpenUrl action."""
    if service == "slack":
        [actions] = [block for block in payload["blocks"] if block["type"] == "actions"]
        return actions["elements"][0]["url"]
    return payload["attachments"][0]["content"]["actions"][0]["url"]
