package sparkdet.train;

import sparkdet.image.LabelMap;

/** TEMPORARY until the eval package's segmentation confusion matrix lands: get_miou's fast_hist and mIoU. */
final class ConfusionCounts {
    private final int n;
    private final long[] hist;

    ConfusionCounts(int n) {
        this.n = n;
        this.hist = new long[n * n];
    }

    void add(LabelMap label, LabelMap predicted) {
        byte[] a = label.pixels();
        byte[] b = predicted.pixels();
        if (a.length != b.length) {
            return;
        }
        for (int i = 0; i < a.length; i++) {
            int g = a[i] & 0xFF;
            if (g < n) {
                hist[g * n + (b[i] & 0xFF)]++;
            }
        }
    }

    double meanIou() {
        double sum = 0;
        for (int c = 0; c < n; c++) {
            long row = 0;
            long col = 0;
            for (int k = 0; k < n; k++) {
                row += hist[c * n + k];
                col += hist[k * n + c];
            }
            long diag = hist[c * n + c];
            sum += diag / (double) Math.max(row + col - diag, 1);
        }
        return sum / n;
    }
}
