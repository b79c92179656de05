#include <stdio.h>
#include <editline/readline.h>

// Swift 6 cannot assign libedit's mutable globals directly; these setters must run before the first
// readline call (rl_initialize reads them).
static inline void askdocs_set_rl_catch_signals(int value) { rl_catch_signals = value; }
static inline void askdocs_set_rl_getc_function(int (*function)(FILE *)) { rl_getc_function = function; }
