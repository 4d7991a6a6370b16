"""The two shapes of one message, at their limits: Slack's Block Kit and Teams' Adaptive Card."""

import json

from chat.formats import ChatItem, ChatMessage, mrkdwn_escape, slack_payload, teams_payload
from tests.chat.shapes import check_slack, check_teams


def full_message(**changes: object) -> ChatMessage:
    fields = {
        "title": "At risk: <Bob> & Alice",
        "summary": "Bob & Alice are at risk <!channel>",
        "paragraphs": ("Bob <@U123> & Alice in <https://evil.example|Spring>.",),
        "facts": (("Sessions held", "2 of 4 expected"), ("Last contact", "9 February 2026")),
        "items_title": "Why",
        "items": (ChatItem(heading="Reasons", lines=("No contact for 35 days",)),),
        "note": "Posted by Mentoring.",
        "link_label": "Open the cohort page",
        "link_url": "https://mentoring.example.org/programmes/cohorts/1/",
    } | changes
    return ChatMessage(**fields)


def test_slack_text_cannot_mention_or_link():
    payload = slack_payload(full_message())

    check_slack(payload)
    text = json.dumps(payload)
    assert "<@U123>" not in text
    assert "<!channel>" not in text
    assert "<https://evil.example|Spring>" not in text
    assert "Bob &lt;@U123&gt; &amp; Alice" in payload["blocks"][1]["text"]["text"]
    assert payload["blocks"][0]["text"] == {
        "type": "plain_text",
        "text": "At risk: <Bob> & Alice",  # plain text: shown as typed
        "emoji": True,
    }


def test_slack_keeps_every_limit_with_long_texts_and_many_items():
    message = full_message(
        title="T" * 400,
        paragraphs=("&" * 2990, "x" * 5000),
        facts=tuple((f"Fact {n}", "v" * 2500) for n in range(14)),
        items=tuple(ChatItem(heading=f"Pair {n}", lines=("why",)) for n in range(80)),
        link_label="L" * 200,
    )

    payload = slack_payload(message)

    check_slack(payload)  # 50 blocks, 3,000 per section, 10 fields of 2,000, 150, 75
    assert len(payload["blocks"]) <= 50  # the items cut to fit
    escaped = payload["blocks"][1]["text"]["text"]
    assert escaped.endswith("&amp;…")  # cut between entities
    assert len(escaped) <= 3000


def test_teams_gets_a_valid_adaptive_card():
    card = check_teams(teams_payload(full_message()))

    assert card["body"][0] == {
        "type": "TextBlock",
        "text": "At risk: <Bob> & Alice",
        "wrap": True,
        "size": "large",
        "weight": "bolder",
    }
    assert {"title": "Last contact", "value": "9 February 2026"} in card["body"][2]["facts"]
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "Open the cohort page",
            "url": "https://mentoring.example.org/programmes/cohorts/1/",
        }
    ]


def test_a_message_without_facts_items_or_link_is_still_well_formed():
    bare = ChatMessage(title="Hello", summary="Hello")

    check_slack(slack_payload(bare))
    card = check_teams(teams_payload(bare))
    assert "actions" not in card


def test_mrkdwn_escape_escapes_the_ampersand_first():
    assert mrkdwn_escape("&lt; <") == "&amp;lt; &lt;"
