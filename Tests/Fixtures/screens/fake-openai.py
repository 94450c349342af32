#!/usr/bin/env python3
"""A scripted stand-in for an OpenAI-compatible chat completions API (`POST /v1/chat/completions`),
for running aider without a network.

Usage: fake-openai.py SCRIPT.json PORTFILE
SCRIPT.json is a list of turns {"text": "...", "stream_seconds": N}. The Nth request gets the Nth
turn (then the last one again): aider sends few-shot examples as assistant messages, so counting
them would not tell turns apart. With "stream_seconds" the text arrives word by word over that
time. The server listens on an ephemeral 127.0.0.1 port and writes it to PORTFILE."""
import json
import os
import sys
import threading

sys.dont_write_bytecode = True  # no __pycache__ among the fixtures
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from fake_server import JSONHandler, pieces, serve  # noqa: E402

SCRIPT = json.load(open(sys.argv[1]))
PORTFILE = sys.argv[2]
served = 0
lock = threading.Lock()


def chunk(delta, finish=None):
    return {"id": "fake", "object": "chat.completion.chunk", "created": 0, "model": "fake",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


class Handler(JSONHandler):
    def do_GET(self):
        self.reply_json({"data": []})

    def do_POST(self):
        global served
        request = self.read_json()
        with lock:
            turn = SCRIPT[min(served, len(SCRIPT) - 1)]
            served += 1
        if not request.get("stream"):
            return self.reply_json({"id": "fake", "object": "chat.completion", "created": 0, "model": "fake",
                                    "choices": [{"index": 0, "message": {"role": "assistant", "content": turn["text"]}, "finish_reason": "stop"}],
                                    "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}})
        self.start_events()
        for piece in pieces(turn["text"], turn.get("stream_seconds", 0)):
            self.wfile.write(("data: %s\n\n" % json.dumps(chunk({"role": "assistant", "content": piece}))).encode())
            self.wfile.flush()
        self.wfile.write(("data: %s\n\ndata: [DONE]\n\n" % json.dumps(chunk({}, "stop"))).encode())
        self.wfile.flush()


serve(Handler, PORTFILE)
