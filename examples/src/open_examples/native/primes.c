/*
 * primes: count and sum the primes in [lo, hi) with a segmented sieve of Eratosthenes.
 *
 * A worker for OPEN's `command` task type:
 *   stdin   one JSON object holding "lo" and "hi" (integers, 0 <= lo <= hi <= 10^10), at any
 *           depth: the node's inputs, e.g. {"chunk": {"lo": 0, "hi": 1000000}}
 *   stdout  {"lo": L, "hi": H, "count": N, "sum": S, "seconds": T}  (T: sieve wall time)
 *   stderr  log lines
 *   exit    0 on success, 2 on bad input, 3 when out of memory
 *
 * Build: cc -O2 -std=c11 -o primes primes.c
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_INPUT (1 << 20)
#define MAX_HI 10000000000LL /* 10^10: the sum of the primes below it fits in 64 bits */
#define SEGMENT 65536

/* Log "primes: error: <message>" on stderr; return the exit status `code`. */
static int fail(int code, const char *format, ...) {
    va_list args;
    va_start(args, format);
    fputs("primes: error: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    return code;
}

/* Find "key": <integer> in the JSON text; 1 if found, 0 if absent, -1 if not an integer. */
static int find_int(const char *text, const char *key, long long *out) {
    char quoted[16];
    snprintf(quoted, sizeof quoted, "\"%s\"", key);
    const char *at = strstr(text, quoted);
    if (at == NULL) return 0;
    at += strlen(quoted);
    while (*at == ' ' || *at == '\t' || *at == '\n' || *at == '\r') at++;
    if (*at != ':') return -1;
    at++;
    while (*at == ' ' || *at == '\t' || *at == '\n' || *at == '\r') at++;
    char *end;
    errno = 0;
    long long value = strtoll(at, &end, 10);
    if (end == at || errno != 0 || *end == '.' || *end == 'e' || *end == 'E') return -1;
    *out = value;
    return 1;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void) {
    static char input[MAX_INPUT + 1];
    size_t length = fread(input, 1, MAX_INPUT, stdin);
    input[length] = '\0';

    long long lo, hi;
    int has_lo = find_int(input, "lo", &lo), has_hi = find_int(input, "hi", &hi);
    if (has_lo != 1 || has_hi != 1)
        return fail(2, "the input must hold integers \"lo\" and \"hi\" (lo: %s, hi: %s)",
                    has_lo == 0 ? "missing" : has_lo < 0 ? "not an integer" : "ok",
                    has_hi == 0 ? "missing" : has_hi < 0 ? "not an integer" : "ok");
    if (lo < 0) return fail(2, "lo (%lld) is negative", lo);
    if (hi < lo) return fail(2, "hi (%lld) is below lo (%lld)", hi, lo);
    if (hi > MAX_HI) return fail(2, "hi (%lld) is above the limit %lld", hi, MAX_HI);

    double t0 = now();
    /* Base primes: every prime p with p * p < hi, by a plain sieve up to sqrt(hi). */
    long long root = 1;
    while (root * root < hi) root++;
    char *small = calloc((size_t)root + 1, 1);
    long long *base = malloc(sizeof(long long) * ((size_t)root / 2 + 2));
    char *segment = malloc(SEGMENT);
    if (small == NULL || base == NULL || segment == NULL) return fail(3, "out of memory");
    size_t nbase = 0;
    for (long long p = 2; p <= root; p++) {
        if (small[p]) continue;
        base[nbase++] = p;
        for (long long m = p * p; m <= root; m += p) small[m] = 1;
    }
    fprintf(stderr, "primes: sieving [%lld, %lld) with %zu base primes\n", lo, hi, nbase);

    unsigned long long count = 0, sum = 0;
    for (long long start = lo; start < hi; start += SEGMENT) {
        long long end = start + SEGMENT < hi ? start + SEGMENT : hi;
        memset(segment, 0, (size_t)(end - start)); /* 0: maybe prime */
        for (size_t k = 0; k < nbase; k++) {
            long long p = base[k];
            if (p * p >= end) break;
            long long first = (start + p - 1) / p * p;
            if (first < p * p) first = p * p;
            for (long long m = first; m < end; m += p) segment[m - start] = 1;
        }
        for (long long n = start; n < end; n++) {
            if (n >= 2 && !segment[n - start]) {
                count++;
                sum += (unsigned long long)n;
            }
        }
    }
    double seconds = now() - t0;
    free(small);
    free(base);
    free(segment);
    fprintf(stderr, "primes: %llu primes in [%lld, %lld) in %.6f s\n", count, lo, hi, seconds);
    printf("{\"lo\": %lld, \"hi\": %lld, \"count\": %llu, \"sum\": %llu, \"seconds\": %.9f}\n", lo, hi, count,
           sum, seconds);
    return 0;
}
