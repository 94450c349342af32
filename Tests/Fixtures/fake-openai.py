#!/usr/bin/env python3
"""A scripted stand-in for an OpenAI-compatible chat API on a loopback port, for running
real agent CLIs that speak it (aider) in tests without a network.

Usage: fake-openai.py SCRIPT.json PORTFILE
SCRIPT.json is a list of replies, {"text": "...", "match": "optional", "delay": 0, "chunk": 0}.
Each chat request is answered by the first reply not yet used whose "match" (if any) occurs
in the request's messages; when every such reply is used, the last one that matches answers
again. A streamed reply is sent "chunk" characters at a time (0: the whole text in one),
"delay" seconds apart, so a client's live output can be watched.
The server listens on an ephemeral 127.0.0.1 port and writes it to PORTFILE. Every chat
request is appended to PORTFILE + ".log" as one JSON line (path, reply index, messages)."""
import json
import sys
import threading
import time

sys.dont_write_bytecode = True  # no __pycache__ beside the fixtures
import fake_server  # noqa: E402

SCRIPT = json.load(open(sys.argv[1]))
PORTFILE = sys.argv[2]
LOG = open(PORTFILE + ".log", "a")
LOCK = threading.Lock()
USED = set()


def said(request):
    """The text of the request's messages (a content may be a list of parts)."""
    texts = []
    for message in request.get("messages", []):
        content = message.get("content") or ""
        if isinstance(content, list):
            content = "\n".join(part.get("text", "") for part in content if isinstance(part, dict))
        texts.append(content)
    return "\n".join(texts)


def choose(request):
    text = said(request)
    matching = [i for i, reply in enumerate(SCRIPT) if reply.get("match", "") in text]
    if not matching:
        return None
    with LOCK:
        index = next((i for i in matching if i not in USED), matching[-1])
        USED.add(index)
    return index


def pieces(text, size):
    if size <= 0:
        return [text]
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


class Handler(fake_server.Handler):
    def do_GET(self):
        if self.path.rstrip("/").endswith("/models"):
            return self.reply_json({"object": "list", "data": [{"id": "fake", "object": "model", "owned_by": "factory-tests"}]})
        self.reply_json({"error": {"message": "not found: " + self.path}}, status=404)

    def do_POST(self):
        request = self.read_json()
        if not self.path.rstrip("/").endswith("/chat/completions"):
            return self.reply_json({"error": {"message": "not found: " + self.path}}, status=404)
        index = choose(request)
        LOG.write(json.dumps({"path": self.path, "reply": index, "stream": bool(request.get("stream")),
                              "messages": request.get("messages", [])}) + "\n")
        LOG.flush()
        reply = SCRIPT[index] if index is not None else {"text": "(the script has no reply for this request)"}
        text, model, created = reply.get("text", ""), request.get("model", "fake"), int(time.time())
        usage = {"prompt_tokens": 100, "completion_tokens": max(1, len(text) // 4)}
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        ident = "chatcmpl-%d" % (index or 0)
        if not request.get("stream"):
            return self.reply_json({"id": ident, "object": "chat.completion", "created": created, "model": model,
                                    "choices": [{"index": 0, "finish_reason": "stop",
                                                 "message": {"role": "assistant", "content": text}}],
                                    "usage": usage})
        self.start_events()

        def send(delta, finish=None, **extra):
            chunk = {"id": ident, "object": "chat.completion.chunk", "created": created, "model": model,
                     "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
            self.wfile.write(("data: %s\n\n" % json.dumps(chunk)).encode())
            self.wfile.flush()

        try:
            send({"role": "assistant", "content": ""})
            for n, piece in enumerate(pieces(text, int(reply.get("chunk", 0)))):
                if n and reply.get("delay"):
                    time.sleep(float(reply["delay"]))
                send({"content": piece})
            send({}, "stop")
            if (request.get("stream_options") or {}).get("include_usage"):
                chunk = {"id": ident, "object": "chat.completion.chunk", "created": created, "model": model,
                         "choices": [], "usage": usage}
                self.wfile.write(("data: %s\n\n" % json.dumps(chunk)).encode())
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass


fake_server.serve(Handler, PORTFILE)
