#ifndef FACTORY_CNCURSESW_SHIM_H
#define FACTORY_CNCURSESW_SHIM_H

// The wide-character API (cchar_t, setcchar, wget_wch...) exists only with this defined
// before curses.h is included.
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>
#include <locale.h>
#include <langinfo.h>

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

#endif
