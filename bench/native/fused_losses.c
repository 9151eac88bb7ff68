/*
 * The native baseline for the memory-bound kernel benchmarks: one fused pass over two float32
 * arrays that accumulates a regression loss in double precision, as a careful C programmer
 * would write it without -ffast-math (which would let the compiler reassociate the sum and so
 * change the result). Eight independent accumulators let gcc vectorise the loop body.
 *
 * Built by bench/suites/kernels.mjs with `gcc -O3 -march=native`.
 *   fused_losses KIND X.f32 Y.f32 N REPEATS [PARAM]
 * KIND is mse, mae or huber (PARAM = delta, default 1). Prints one JSON object:
 *   {"seconds": best wall time of REPEATS runs after one warm-up, "value": the mean loss}
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LANES 8

static float *load(const char *path, size_t n) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  float *data = malloc(n * sizeof(float));
  if (!data || fread(data, sizeof(float), n, f) != n) { fprintf(stderr, "%s: short read\n", path); exit(2); }
  fclose(f);
  return data;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double sum_mse(const float *restrict x, const float *restrict y, size_t n) {
  double acc[LANES] = {0};
  size_t i = 0;
  for (; i + LANES <= n; i += LANES)
    for (int j = 0; j < LANES; j++) {
      double d = (double)x[i + j] - (double)y[i + j];
      acc[j] += d * d;
    }
  for (; i < n; i++) {
    double d = (double)x[i] - (double)y[i];
    acc[0] += d * d;
  }
  double s = 0;
  for (int j = 0; j < LANES; j++) s += acc[j];
  return s;
}

static double sum_mae(const float *restrict x, const float *restrict y, size_t n) {
  double acc[LANES] = {0};
  size_t i = 0;
  for (; i + LANES <= n; i += LANES)
    for (int j = 0; j < LANES; j++) acc[j] += fabs((double)x[i + j] - (double)y[i + j]);
  for (; i < n; i++) acc[0] += fabs((double)x[i] - (double)y[i]);
  double s = 0;
  for (int j = 0; j < LANES; j++) s += acc[j];
  return s;
}

static double sum_huber(const float *restrict x, const float *restrict y, size_t n, double delta) {
  double acc[LANES] = {0};
  const double half_delta = 0.5 * delta;
  size_t i = 0;
  for (; i + LANES <= n; i += LANES)
    for (int j = 0; j < LANES; j++) {
      double z = fabs((double)x[i + j] - (double)y[i + j]);
      acc[j] += z < delta ? 0.5 * z * z : delta * (z - half_delta);
    }
  for (; i < n; i++) {
    double z = fabs((double)x[i] - (double)y[i]);
    acc[0] += z < delta ? 0.5 * z * z : delta * (z - half_delta);
  }
  double s = 0;
  for (int j = 0; j < LANES; j++) s += acc[j];
  return s;
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: %s mse|mae|huber X.f32 Y.f32 N REPEATS [DELTA]\n", argv[0]);
    return 2;
  }
  const char *kind = argv[1];
  size_t n = strtoull(argv[4], NULL, 10);
  int repeats = atoi(argv[5]);
  double delta = argc > 6 ? atof(argv[6]) : 1.0;
  float *x = load(argv[2], n);
  float *y = load(argv[3], n);
  double best = INFINITY, total = 0;
  for (int r = 0; r <= repeats; r++) {
    double t = now();
    if (strcmp(kind, "mse") == 0) total = sum_mse(x, y, n);
    else if (strcmp(kind, "mae") == 0) total = sum_mae(x, y, n);
    else if (strcmp(kind, "huber") == 0) total = sum_huber(x, y, n, delta);
    else { fprintf(stderr, "unknown kind %s\n", kind); return 2; }
    double s = now() - t;
    if (r > 0 && s < best) best = s; /* run 0 is the warm-up */
  }
  printf("{\"seconds\": %.9g, \"value\": %.17g}\n", best, total / (double)n);
  free(x);
  free(y);
  return 0;
}
