#!/usr/bin/env bash
# Recaptures the Claude Code screens in Tests/Fixtures/screens/claude/ from the real TUI:
# claude runs full screen in a private tmux server (100×30), in a fresh HOME, against the
# scripted fake Messages API (Tests/Fixtures/fake-anthropic.py), and each screen is saved
# with `tmux capture-pane -p` when it shows. Run it when the CLI changes its screen, then
# run the ScreenRules tests: a failing fixture names the rule to fix in screens/claude.yaml.
#
# usage: Tests/Fixtures/screens/capture-claude.sh [CLAUDE]   (default: what .ci/fetch-claude prints)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
claude=${1:-$(bash "$repo/.ci/fetch-claude")}
[ -x "$claude" ] || { echo "capture-claude: no Claude Code CLI (give its path)" >&2; exit 1; }
out="$here/claude"
source "$here/capture-lib.sh"

# The conversation: a streamed answer and a command that needs permission; a question; a
# command that runs a while; the end of the turn; a command that is denied; a file to create.
mkdir -p "$work/home" "$work/project"
project=$(cd "$work/project" && pwd -P)
cat > "$work/script.json" <<JSON
[{"text": "I will look at the build folder first, then remove it so the next build starts clean and nothing stale is left behind.", "stream_seconds": 6,
  "tool": "Bash", "input": {"command": "rm -rf build && echo removed", "description": "Remove the build folder"}},
 {"text": "Removed. One question before the next step.", "tool": "AskUserQuestion", "input": {"questions": [{"question": "Which colour should the button be?", "header": "Colour",
  "options": [{"label": "Red", "description": "The red one"}, {"label": "Blue", "description": "The blue one"}], "multiSelect": false}]}},
 {"text": "Blue it is. Painting now.", "tool": "Bash", "input": {"command": "sleep 6 && echo painted", "description": "Paint the button"}},
 {"text": "The button is blue. Done."},
 {"tool": "Bash", "input": {"command": "rm -rf dist", "description": "Remove the dist folder"}},
 {"tool": "Write", "input": {"file_path": "$project/notes.txt", "content": "Buttons are blue.\\n"}},
 {"text": "Wrote the notes."}]
JSON
cat > "$work/home/.claude.json" <<JSON
{"hasCompletedOnboarding": true, "customApiKeyResponses": {"approved": ["sk-test"], "rejected": []},
 "projects": {"$project": {"hasTrustDialogAccepted": true}}}
JSON
start_fake "$repo/Tests/Fixtures/fake-anthropic.py" "$work/script.json"
start_cli "$project" env HOME="$work/home" ANTHROPIC_BASE_URL="http://127.0.0.1:$(cat "$work/port")" ANTHROPIC_API_KEY=sk-test \
    DISABLE_TELEMETRY=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 TERM=xterm-256color \
    "$claude" --permission-mode default

wait_for idle 30 "? for shortcuts";                      save idle-fresh
keys "Tidy the build folder" Enter
wait_for working 20 "esc to interrupt" "tokens)";        sleep 1.5; save working
wait_for permission 30 "Do you want to proceed?";        save permission
keys 1
wait_for question 30 "Which colour should the button be?" "Enter to select"; save question
keys 2
wait_for working 30 "sleep 6 && echo painted" "esc to interrupt"; sleep 1; save working-tool
wait_for idle 30 "The button is blue. Done." "? for shortcuts"; save idle
keys "Clean up dist too" Enter
wait_for permission 30 "rm -rf dist" "Do you want to proceed?"
keys Escape
wait_for idle 30 "Interrupted" "? for shortcuts";        save denied
keys "Write the notes down" Enter
wait_for permission 30 "Do you want to create notes.txt?"; save permission-write
keys 1
wait_for idle 30 "Wrote the notes." "? for shortcuts"
keys "half a thought"
wait_for idle 10 "half a thought";                       save idle-draft
"$claude" --version | sed 's/^/captured from /' > "$out/VERSION"
