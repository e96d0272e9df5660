package sparkdet.eval;

/**
 * Index sorts by descending score that keep equal scores in their given order: numpy's
 * {@code argsort(-scores, kind='mergesort')}, on which pycocotools' tie-breaking rests.
 */
final class StableSort {
    private StableSort() {
    }

    /** sorts {@code idx[from, to)} by descending {@code score[idx[i]]}, stably */
    static void byScoreDescending(int[] idx, int from, int to, double[] score) {
        int n = to - from;
        if (n < 2) {
            return;
        }
        if (n <= 24) {
            for (int i = from + 1; i < to; i++) {
                int v = idx[i];
                double s = score[v];
                int j = i - 1;
                while (j >= from && score[idx[j]] < s) {
                    idx[j + 1] = idx[j];
                    j--;
                }
                idx[j + 1] = v;
            }
            return;
        }
        int[] tmp = new int[n];
        mergeSort(idx, from, to, score, tmp);
    }

    private static void mergeSort(int[] idx, int from, int to, double[] score, int[] tmp) {
        if (to - from <= 24) {
            byScoreDescending(idx, from, to, score);
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(idx, from, mid, score, tmp);
        mergeSort(idx, mid, to, score, tmp);
        if (score[idx[mid - 1]] >= score[idx[mid]]) {
            return;
        }
        int i = from;
        int j = mid;
        int k = 0;
        while (i < mid && j < to) {
            // the left run wins ties: stability
            tmp[k++] = score[idx[j]] > score[idx[i]] ? idx[j++] : idx[i++];
        }
        while (i < mid) {
            tmp[k++] = idx[i++];
        }
        while (j < to) {
            tmp[k++] = idx[j++];
        }
        System.arraycopy(tmp, 0, idx, from, k);
    }
}
