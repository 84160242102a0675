/* assert.h - assert() prints "file:line: func: assertion `expr' failed" to
 * stderr and aborts (SIGABRT, status 134).  Disabled by NDEBUG, per C11 7.2. */
#undef assert
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : __assert_fail(#e, __FILE__, __LINE__, __func__))
#endif

#ifndef _ASSERT_H
#define _ASSERT_H
_Noreturn void __assert_fail(const char *expr, const char *file, int line, const char *func);
#define static_assert _Static_assert
#endif
