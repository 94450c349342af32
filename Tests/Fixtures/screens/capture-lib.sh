# What capture-claude.sh and capture-aider.sh share: a private tmux server running one CLI
# full screen (100×30), and saving its screens as fixtures. Source it after setting `out`
# (the fixture folder); it makes `work` (a scratch folder) and cleans up on exit.
set -euo pipefail
work=$(mktemp -d)
socket="factory-screens-$$"
fake=""
cleanup() {
    tmux -L "$socket" kill-server 2>/dev/null || true
    [ -n "$fake" ] && kill "$fake" 2>/dev/null || true
    sleep 0.5  # the CLI may still be writing its files as it goes
    rm -rf "$work" 2>/dev/null || true
}
trap cleanup EXIT

# start_fake SCRIPT SCRIPT.json: a fake model API on a loopback port, written to $work/port.
start_fake() {
    python3 "$1" "$2" "$work/port" >/dev/null 2>&1 &
    fake=$!
    for _ in $(seq 100); do [ -s "$work/port" ] && return 0; sleep 0.1; done
    echo "capture: the fake model API did not start" >&2; exit 1
}

# start_cli DIR ARGV...: the CLI full screen in tmux, in DIR.
start_cli() {
    local dir=$1; shift
    tmux -L "$socket" -f /dev/null new-session -d -s cli -x 100 -y 30 -c "$dir" "$@"
    mkdir -p "$out"
    : > "$out/cursor-rows"
}

screen() { tmux -L "$socket" capture-pane -p -t cli; }
keys() { tmux -L "$socket" send-keys -t cli "$@"; }

# wait_for WHAT SECONDS TEXT...: until the screen holds every TEXT; when WHAT is idle, also
# until "esc to interrupt" (Claude Code's sign of work) is gone.
wait_for() {
    local what=$1 seconds=$2; shift 2
    local deadline=$((SECONDS + seconds)) s all
    while [ $SECONDS -lt $deadline ]; do
        s=$(screen); all=1
        for text in "$@"; do grep -qF -- "$text" <<<"$s" || { all=0; break; }; done
        if [ "$what" = idle ] && grep -qF "esc to interrupt" <<<"$s"; then all=0; fi
        [ $all = 1 ] && return 0
        sleep 0.1
    done
    echo "capture: timed out waiting for $what; the screen:" >&2; screen >&2; exit 1
}

# save NAME: the screen as NAME.txt, and the cursor's row (tmux's cursor_y) in cursor-rows.
save() {
    sleep 0.4
    screen > "$out/$1.txt"
    echo "$1 $(tmux -L "$socket" display-message -p -t cli '#{cursor_y}')" >> "$out/cursor-rows"
    echo "saved $1.txt"
}
