#ifndef FACTORY_CNCURSESW_SHIM_H
#define FACTORY_CNCURSESW_SHIM_H

// The wide-character API (cchar_t, setcchar, wget_wch...) exists only with this defined
// before curses.h is included.
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>
#include <locale.h>
#include <langinfo.h>
#include <term.h>

// Macros Swift cannot import, as constants and inline functions.
static const attr_t factory_A_BOLD = A_BOLD;
static const attr_t factory_A_DIM = A_DIM;
static const attr_t factory_A_REVERSE = A_REVERSE;
static const attr_t factory_A_UNDERLINE = A_UNDERLINE;
static const attr_t factory_A_ITALIC = A_ITALIC;

static inline int factory_KEY_F(int n) { return KEY_F0 + n; }
static inline WINDOW *factory_stdscr(void) { return stdscr; }
static inline int factory_lines(void) { return LINES; }
static inline int factory_cols(void) { return COLS; }
static inline int factory_colors(void) { return COLORS; }
// newterm on the process's own stdout/stdin (Swift 6 cannot touch those globals).
static inline SCREEN *factory_newterm(void) { return newterm(NULL, stdout, stdin); }
static inline const char *factory_codeset(void) { return nl_langinfo(CODESET); }
static inline int factory_key_code_yes(void) { return KEY_CODE_YES; }
// tigetstr returns (char *)-1 for "not a string capability": tell the cases apart in C.
static inline int factory_has_alternate_screen(void) {
    char *smcup = tigetstr("smcup");
    return smcup != NULL && smcup != (char *)-1;
}
// Can this terminal run the dashboard? -1: terminfo does not know TERM; 0: it cannot move
// the cursor; 1: yes. Reads terminfo without starting curses (no side effects).
static inline int factory_terminal_usable(void) {
    int err = 0;
    if (setupterm(NULL, 1, &err) != OK) return -1;
    char *cup = tigetstr("cup");
    int ok = cup != NULL && cup != (char *)-1;
    del_curterm(cur_term);
    return ok;
}
// Bracketed paste on or off, through curses' output: terminfo's extended BE/BD where the
// entry has them, else the sequences xterm defined and terminals since have adopted.
// (Pasted text then arrives between ESC [200~ and ESC [201~.)
static inline void factory_bracketed_paste(int on) {
    char *cap = tigetstr(on ? "BE" : "BD");
    if (cap == NULL || cap == (char *)-1) cap = on ? (char *)"\033[?2004h" : (char *)"\033[?2004l";
    putp(cap);
    // putp writes through stdio here, not curses' own buffer that doupdate flushes.
    fflush(stdout);
}
// The mouse: a left press and the wheel, each reported as it happens (no click timing).
// The terminal's own selection still works with Shift held.
static inline void factory_mouse(int on) {
    mousemask(on ? (BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED) : 0, NULL);
    mouseinterval(0);
}
static inline int factory_key_mouse(void) { return KEY_MOUSE; }
// The mouse event waiting: 1 a left press, 4 the wheel up, 5 the wheel down, 0 another
// event, -1 none.
static inline int factory_mouse_event(int *x, int *y) {
    MEVENT e;
    if (getmouse(&e) != OK) return -1;
    *x = e.x;
    *y = e.y;
    if (e.bstate & BUTTON1_PRESSED) return 1;
    if (e.bstate & BUTTON4_PRESSED) return 4;
    if (e.bstate & BUTTON5_PRESSED) return 5;
    return 0;
}
static inline int factory_has_cursor_addressing(void) {
    char *cup = tigetstr("cup");
    return cup != NULL && cup != (char *)-1;
}

#endif
