package sparkdet.viz;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import sparkdet.data.DatasetStats;

/**
 * stats.png: objects per class above, the distribution of box sizes below; for a segmentation
 * dataset, mask pixels per class above and the masks holding each class below.
 */
public final class StatsPlot {
    private static final int WIDTH = 1200;

    static {
        // before the first chart: drawing needs no display
        System.setProperty("java.awt.headless", "true");
    }

    private StatsPlot() {
    }

    public static void write(Map<String, Long> perClass, long[] sizeHistogram, OutputStream out) throws IOException {
        stack(perClassChart(perClass, "Objects per class", "objects"), sizeChart(sizeHistogram), out);
    }

    /** a segmentation dataset's: pixels per class above, masks holding each class below */
    public static void writeSegmentation(Map<String, Long> pixelsPerClass, Map<String, Long> masksPerClass,
                                         OutputStream out) throws IOException {
        stack(perClassChart(pixelsPerClass, "Mask pixels per class", "pixels"),
                perClassChart(masksPerClass, "Masks holding each class", "masks"), out);
    }

    private static void stack(CategoryChart upper, CategoryChart lower, OutputStream out) throws IOException {
        BufferedImage top = BitmapEncoder.getBufferedImage(upper);
        BufferedImage bottom = BitmapEncoder.getBufferedImage(lower);
        BufferedImage all = new BufferedImage(WIDTH, top.getHeight() + bottom.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = all.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, all.getWidth(), all.getHeight());
        g.drawImage(top, 0, 0, null);
        g.drawImage(bottom, 0, top.getHeight(), null);
        g.dispose();
        Png.write(all, out);
    }

    private static CategoryChart perClassChart(Map<String, Long> perClass, String title, String counted) {
        int n = Math.max(perClass.size(), 1);
        int height = 420 + Math.min(n, 200) * 2;
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(height)
                .title(title).xAxisTitle("class").yAxisTitle(counted).build();
        c.getStyler().setLegendVisible(false);
        c.getStyler().setXAxisLabelRotation(n > 8 ? 60 : 0);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setPlotGridVerticalLinesVisible(false);
        c.getStyler().setLabelsVisible(n <= 30);
        List<String> names = new ArrayList<>(perClass.keySet());
        List<Long> counts = new ArrayList<>(perClass.values());
        if (names.isEmpty()) {
            names.add("(none)");
            counts.add(0L);
        }
        c.addSeries(counted, names, counts);
        return c;
    }

    private static CategoryChart sizeChart(long[] histogram) {
        int first = 0;
        int last = histogram.length - 1;
        while (first < last && histogram[first] == 0) {
            first++;
        }
        while (last > first && histogram[last] == 0) {
            last--;
        }
        List<String> edges = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (int i = first; i <= last; i++) {
            edges.add(String.format(java.util.Locale.ROOT, "%.0f", DatasetStats.binLowerEdge(i)));
            counts.add(histogram[i]);
        }
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(420)
                .title("Box size (sqrt of area, quarter octaves; COCO small < 32 <= medium < 96 <= large)")
                .xAxisTitle("sqrt(area) in pixels, bin lower edge").yAxisTitle("objects").build();
        c.getStyler().setLegendVisible(false);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setXAxisLabelRotation(45);
        c.addSeries("boxes", edges, counts);
        return c;
    }
}
