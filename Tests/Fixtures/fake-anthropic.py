#!/usr/bin/env python3
"""A scripted stand-in for the Anthropic Messages API on a loopback port, for running the
real Claude Code CLI in tests without a network.

Usage: fake-anthropic.py SCRIPT.json PORTFILE
SCRIPT.json is a list of turns; the turn answered is chosen by counting the assistant
messages already in the request (so a conversation replays the same way every time).
A turn is {"text": "..."} or {"tool": "Bash", "input": {...}, "text": "optional preface"}; with
"stream_seconds": N its text arrives word by word over N seconds (a model still streaming).
The server listens on an ephemeral 127.0.0.1 port and writes it to PORTFILE. Every request
is appended to PORTFILE + ".log" as one JSON line (path, the last user content)."""
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ among the fixtures
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_server import JSONHandler, pieces, serve  # noqa: E402

SCRIPT = json.load(open(sys.argv[1]))
PORTFILE = sys.argv[2]
LOG = open(PORTFILE + ".log", "a")


def events(turn, model, index):
    usage = {"input_tokens": 100 + index, "output_tokens": 1}
    yield "message_start", {"type": "message_start", "message": {
        "id": "msg_%d" % index, "type": "message", "role": "assistant", "model": model,
        "content": [], "stop_reason": None, "stop_sequence": None, "usage": usage}}
    block = 0
    if turn.get("text"):
        yield "content_block_start", {"type": "content_block_start", "index": block, "content_block": {"type": "text", "text": ""}}
        for piece in pieces(turn["text"], turn.get("stream_seconds", 0)):
            yield "content_block_delta", {"type": "content_block_delta", "index": block, "delta": {"type": "text_delta", "text": piece}}
        yield "content_block_stop", {"type": "content_block_stop", "index": block}
        block += 1
    stop = "end_turn"
    if turn.get("tool"):
        stop = "tool_use"
        yield "content_block_start", {"type": "content_block_start", "index": block, "content_block": {
            "type": "tool_use", "id": "toolu_%d" % index, "name": turn["tool"], "input": {}}}
        yield "content_block_delta", {"type": "content_block_delta", "index": block, "delta": {
            "type": "input_json_delta", "partial_json": json.dumps(turn.get("input", {}))}}
        yield "content_block_stop", {"type": "content_block_stop", "index": block}
    yield "message_delta", {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                            "usage": {"output_tokens": 20 + index}}
    yield "message_stop", {"type": "message_stop"}


class Handler(JSONHandler):
    def do_GET(self):
        self.reply_json({})

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        request = self.read_json()
        if "/v1/messages" not in self.path or "count_tokens" in self.path:
            return self.reply_json({"input_tokens": 10})
        messages = request.get("messages", [])
        index = sum(1 for m in messages if m.get("role") == "assistant")
        LOG.write(json.dumps({"path": self.path, "turn": index, "last": messages[-1] if messages else None}) + "\n")
        LOG.flush()
        turn = SCRIPT[min(index, len(SCRIPT) - 1)]
        model = request.get("model", "claude")
        if not request.get("stream"):
            content = [{"type": "text", "text": turn.get("text", "ok")}]
            return self.reply_json({"id": "msg", "type": "message", "role": "assistant", "model": model, "content": content,
                                    "stop_reason": "end_turn", "stop_sequence": None, "usage": {"input_tokens": 10, "output_tokens": 5}})
        self.start_events()
        for name, data in events(turn, model, index):
            self.wfile.write(("event: %s\ndata: %s\n\n" % (name, json.dumps(data))).encode())
            self.wfile.flush()


serve(Handler, PORTFILE)
