#!/usr/bin/env python3
"""Records a real Claude Code CLI session in stream-json, answering its one permission
request: how allow-bash.jsonl and deny-bash.jsonl beside this file were made (claude 2.1.332
from PyPI's claude-agent-sdk wheel, against ../fake-anthropic.py with script.json).

Usage: record.py CLAUDE PORT WORKDIR OUT.jsonl allow|deny"""
import json
import os
import subprocess
import sys

claude, port, work, out_path, answer = sys.argv[1:6]
home = os.path.join(work, ".home")
os.makedirs(home, exist_ok=True)
env = dict(os.environ, ANTHROPIC_BASE_URL="http://127.0.0.1:" + port, ANTHROPIC_API_KEY="sk-test",
           DISABLE_TELEMETRY="1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1", HOME=home)
argv = [claude, "-p", "--output-format", "stream-json", "--verbose", "--input-format", "stream-json",
        "--permission-prompt-tool", "stdio"]
agent = subprocess.Popen(argv, cwd=work, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def send(value):
    agent.stdin.write((json.dumps(value) + "\n").encode())
    agent.stdin.flush()


send({"type": "user", "message": {"role": "user", "content": "Create the file with a shell command."}})
with open(out_path, "wb") as out:
    for line in agent.stdout:
        out.write(line)
        message = json.loads(line)
        if message.get("type") == "control_request" and message["request"].get("subtype") == "can_use_tool":
            if answer == "allow":
                decision = {"behavior": "allow", "updatedInput": message["request"]["input"]}
            else:
                decision = {"behavior": "deny", "message": "Not now: the builder may not create files here."}
            send({"type": "control_response", "response": {"subtype": "success", "request_id": message["request_id"], "response": decision}})
        if message.get("type") == "result":
            agent.stdin.close()
agent.wait()
