"""What the scripted fake model APIs share (fake-anthropic.py, screens/fake-openai.py): a
quiet JSON-answering handler, and a loopback server on an ephemeral port that writes its port
to a file, atomically, once it listens."""
import json
import os
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class JSONHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply_json(self, value):
        body = json.dumps(value).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def start_events(self):
        """Headers for a server-sent event stream; the connection closes after it."""
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True

    def read_json(self):
        raw = self.rfile.read(int(self.headers.get("content-length", 0)))
        try:
            return json.loads(raw)
        except ValueError:
            return {}


def pieces(text, seconds):
    """The text in one piece, or word by word spread over `seconds` (a model still streaming)."""
    if not seconds:
        yield text
        return
    words = text.split(" ")
    for i, word in enumerate(words):
        if i:
            time.sleep(seconds / len(words))
        yield word + (" " if i < len(words) - 1 else "")


def serve(handler, portfile):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    server.serve_forever()
