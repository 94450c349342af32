#!/usr/bin/env bash
# Recaptures the aider screens in Tests/Fixtures/screens/aider/ from the real CLI: aider runs
# in a private tmux server (100×30), in a fresh HOME and git repository, against the scripted
# fake OpenAI API (fake-openai.py), and each screen is saved with `tmux capture-pane -p`
# when it shows. Run it when aider changes its screen, then run the ScreenRules tests.
#
# usage: Tests/Fixtures/screens/capture-aider.sh AIDER   (in a virtualenv: pip install aider-chat)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
aider=${1:-$(command -v aider || true)}
[ -n "$aider" ] && [ -x "$aider" ] || { echo "capture-aider: no aider (give its path)" >&2; exit 1; }
out="$here/aider"
source "$here/capture-lib.sh"

# The conversation: a streamed answer that suggests a shell command, then the end of the turn.
mkdir -p "$work/home" "$work/project"
git -C "$work/project" init -q
echo "print('hello')" > "$work/project/hello.py"
git -C "$work/project" add hello.py
git -C "$work/project" -c user.name=capture -c user.email=capture@example.com commit -qm start
cat > "$work/script.json" <<'JSON'
[{"text": "I will run the tests first to see what fails, then fix what they find and run them again until everything passes.\n\n```bash\necho testing\n```\n", "stream_seconds": 6},
 {"text": "The tests pass. Done."}]
JSON
start_fake "$here/fake-openai.py" "$work/script.json"
start_cli "$work/project" env HOME="$work/home" TERM=xterm-256color "$aider" \
    --openai-api-base "http://127.0.0.1:$(cat "$work/port")/v1" --openai-api-key x --model openai/fake \
    --edit-format diff --no-check-update --no-show-release-notes --analytics-disable --no-show-model-warnings

wait_for confirm 60 "Add .aider* to .gitignore" "[Yes]:"; save confirm-gitignore
keys y Enter
wait_for idle 60 "Repo-map:" "diff>";                    save idle-fresh
keys "Run the tests" Enter
wait_for working 20 "I will run the tests";              sleep 1.5; save working
wait_for confirm 30 "Run shell command?";                save confirm-shell
keys y Enter
wait_for confirm 30 "Add command output to the chat?"
keys n Enter
sleep 1; wait_for idle 30 "diff>";                       save idle
keys "half a thought"
wait_for idle 10 "diff> half a thought";                 save idle-draft
"$aider" --version | sed 's/^/captured from /' > "$out/VERSION"
