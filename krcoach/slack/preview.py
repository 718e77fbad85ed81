"""A preview of a Slack reply: Block Kit JSON as a simple HTML page styled like a Slack message.

Slack itself cannot be reached from here (nor from CI), so the README's picture is this preview, titled as such.
It renders the blocks krcoach sends (section, context, header, divider, actions, button accessories) and the
mrkdwn they use (bold, italic, strike, code, quotes, the few emoji codes), nothing more.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from krcoach.slack.blocks import Block, SlackMessage

# Symbols from DejaVu Sans, so the preview needs no emoji font.
_EMOJI = {
    ":warning:": '<span class="emoji warn">⚠</span>',
    ":white_check_mark:": '<span class="emoji check">✔</span>',
    ":large_yellow_circle:": '<span class="emoji amber">●</span>',
    ":bulb:": '<span class="emoji amber">✦</span>',
    ":gear:": '<span class="emoji grey">⚙</span>',
}
_STYLE = """
body { margin: 0; background: #f4f4f6; font: 15px/1.46 "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
       color: #1d1c1d; }
.banner { background: #3f0e40; color: #fff; padding: 10px 20px; font-size: 13px; letter-spacing: .02em; }
.banner b { font-size: 15px; }
.channel { max-width: 880px; margin: 18px auto; background: #fff; border: 1px solid #ddd; border-radius: 8px;
           padding: 8px 0 16px; }
.message { display: flex; gap: 10px; padding: 8px 20px; }
.avatar { flex: 0 0 36px; height: 36px; border-radius: 6px; color: #fff; font-weight: 700; display: flex;
          align-items: center; justify-content: center; font-size: 14px; }
.avatar.person { background: #1264a3; } .avatar.app { background: #2f4858; }
.body { flex: 1; min-width: 0; }
.name { font-weight: 900; } .tag { background: #e8e8e8; color: #616061; font-size: 10px; font-weight: 700;
       padding: 1px 4px; border-radius: 3px; margin-left: 4px; vertical-align: 2px; }
.time { color: #616061; font-size: 12px; margin-left: 6px; }
.only-you { color: #616061; font-size: 12px; margin-bottom: 2px; }
.section { display: flex; gap: 12px; margin: 6px 0; align-items: flex-start; }
.section .text { flex: 1; white-space: normal; }
.context { color: #616061; font-size: 13px; margin: 4px 0 8px; }
.header { font-size: 18px; font-weight: 900; margin: 8px 0 4px; }
hr { border: 0; border-top: 1px solid #e2e2e2; margin: 10px 0; }
.actions { display: flex; gap: 8px; margin: 8px 0; }
button { font: 700 14px "Liberation Sans", Arial, sans-serif; padding: 6px 12px; border-radius: 4px;
         border: 1px solid #bbb; background: #fff; color: #1d1c1d; white-space: nowrap; }
button.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
code { font: 12px "DejaVu Sans Mono", monospace; color: #c01343; background: #f6f6f6; border: 1px solid #ddd;
       border-radius: 3px; padding: 1px 3px; }
blockquote { margin: 2px 0; padding-left: 10px; border-left: 4px solid #ddd; }
.emoji { display: inline-block; width: 18px; text-align: center; font-weight: 700; }
.emoji.warn { color: #e8912d; } .emoji.amber { color: #ecb22e; } .emoji.grey { color: #616061; }
.emoji.check { background: #2eb67d; color: #fff; border-radius: 3px; font-size: 12px; line-height: 16px; }
"""


def preview_html(message: SlackMessage, *, command: str, ephemeral: bool = True) -> str:
    """A page showing `command` typed by a person and krcoach's reply `message` under it."""
    only_you = '<div class="only-you">Only visible to you</div>' if ephemeral else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Preview of a krcoach reply in Slack</title>
<style>{_STYLE}</style></head>
<body>
<div class="banner"><b>Preview of a krcoach reply in Slack</b> — rendered from the Block Kit JSON the app sends;
not a screenshot of Slack.</div>
<div class="channel">
  <div class="message"><div class="avatar person">D</div><div class="body">
    <span class="name">Dana</span><span class="time">9:41</span><div>{html.escape(command)}</div></div></div>
  <div class="message"><div class="avatar app">kr</div><div class="body">
    {only_you}<span class="name">krcoach</span><span class="tag">APP</span><span class="time">9:41</span>
    {render_blocks(message.blocks)}
  </div></div>
</div>
</body></html>
"""


def render_blocks(blocks: Sequence[Block]) -> str:
    """The blocks as HTML."""
    return "\n".join(_block(block) for block in blocks)


def mrkdwn_html(text: str) -> str:
    """Slack mrkdwn (already `&amp;`-escaped, as Slack expects it) as HTML."""
    safe = html.escape(html.unescape(text), quote=False)
    codes: list[str] = []

    def keep_code(match: re.Match[str]) -> str:
        codes.append(f"<code>{match[1]}</code>")
        return f"\x00{len(codes) - 1}\x00"

    safe = re.sub(r"`([^`\n]+)`", keep_code, safe)
    safe = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"<b>\1</b>", safe)
    safe = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", r"<i>\1</i>", safe)
    safe = re.sub(r"(?<![\w~])~([^~\n]+)~(?![\w~])", r"<s>\1</s>", safe)
    for code, symbol in _EMOJI.items():
        safe = safe.replace(code, symbol)
    lines = [
        f"<blockquote>{line.removeprefix('&gt;')}</blockquote>" if line.startswith("&gt;") else line
        for line in safe.split("\n")
    ]
    joined = "<br>".join(lines).replace("</blockquote><br>", "</blockquote>")
    return re.sub(r"\x00(\d+)\x00", lambda m: codes[int(m[1])], joined)


def _block(block: Block) -> str:
    kind = block.get("type")
    if kind == "section":
        accessory = block.get("accessory")
        side = _button(accessory) if accessory and accessory.get("type") == "button" else ""
        return f'<div class="section"><div class="text">{_text(block.get("text"))}</div>{side}</div>'
    if kind == "context":
        return f'<div class="context">{" ".join(_text(e) for e in block.get("elements", []))}</div>'
    if kind == "header":
        return f'<div class="header">{_text(block.get("text"))}</div>'
    if kind == "divider":
        return "<hr>"
    if kind == "actions":
        buttons = "".join(_button(e) for e in block.get("elements", []) if e.get("type") == "button")
        return f'<div class="actions">{buttons}</div>'
    return ""


def _text(element: Any) -> str:
    if not isinstance(element, dict):
        return ""
    text = str(element.get("text", ""))
    return mrkdwn_html(text) if element.get("type") == "mrkdwn" else html.escape(text)


def _button(element: Block) -> str:
    style = ' class="primary"' if element.get("style") == "primary" else ""
    return f"<button{style}>{html.escape(str(element['text']['text']))}</button>"
