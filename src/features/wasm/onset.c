/*
 * tempo.ts onsetStrength on a frame-major float32 log-mel (nFrames x nMels): for frame t >= 1,
 * the median across bands of the positive float32 differences from frame t - 1 (the zeros sort
 * first, so only the positive ones are selected among), written to out[t - 1 + lead] while that
 * is below nFrames; out (nFrames doubles) starts zeroed by the caller. A median is a value of its
 * input whatever the selection method, and the mean of the middle two is formed as in the JS:
 * the same bits. positive: scratch of nMels floats.
 */
static void swap(float *v, int i, int j) {
  const float t = v[i];
  v[i] = v[j];
  v[j] = t;
}

/* The k-th smallest of v[0..n) (quickselect, median-of-three pivot); v[k] holds it afterwards. */
static float select_in_place(float *v, int n, int k) {
  int left = 0, right = n - 1;
  while (right > left) {
    const int mid = (left + right) >> 1;
    if (v[mid] < v[left]) swap(v, mid, left);
    if (v[right] < v[left]) swap(v, right, left);
    if (v[right] < v[mid]) swap(v, right, mid);
    const float pivot = v[mid];
    int i = left, j = right;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) swap(v, i++, j--);
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return v[k];
}

__attribute__((export_name("onset_strength")))
void onset_strength(const float *restrict logMel, int nFrames, int nMels, int lead, float *restrict positive, double *restrict out) {
  const int hi = nMels >> 1, lo = nMels % 2 == 1 ? hi : hi - 1;
  for (int t = 1; t - 1 + lead < nFrames; t++) {
    const float *cur = logMel + t * nMels, *prev = cur - nMels;
    int count = 0;
    /* branch-free compaction (the signs are a coin toss): always store, advance on a positive */
    for (int m = 0; m < nMels; m++) {
      const float d = cur[m] - prev[m];
      positive[count] = d;
      count += d > 0;
    }
    const int zeros = nMels - count;
    if (hi < zeros) continue; /* both middle elements are 0 */
    const int k = hi - zeros;
    const float b = select_in_place(positive, count, k);
    float a = 0;
    if (lo != hi && lo >= zeros)
      for (int i = 0; i < k; i++)
        if (positive[i] > a) a = positive[i];
    out[t - 1 + lead] = lo == hi ? b : (float)(((double)a + b) / 2);
  }
}
