package sparkdet.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The evaluation's pictures: precision/recall curves, F1 against score threshold, the confusion matrix. */
public final class EvalPlots {
    /** more classes than this and the legends would hide the curves */
    private static final int LEGEND_LIMIT = 25;

    private EvalPlots() {
    }

    /** a curve to draw: name, x and y */
    public record Series(String name, double[] x, double[] y) {
    }

    private static XYChart chart(String title, String xTitle, String yTitle, int series) {
        System.setProperty("java.awt.headless", "true");
        // one curve: a small picture; many: room for the legend
        int width = series == 1 ? 640 : series > LEGEND_LIMIT ? 1000 : 900;
        XYChart c = new XYChartBuilder().width(width).height(series == 1 ? 480 : 700).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
        c.getStyler().setLegendVisible(series <= LEGEND_LIMIT);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setMarkerSize(0);
        return c;
    }

    private static void add(XYChart c, Series s, float width) {
        double[] x = s.x().length == 0 ? new double[] {0} : s.x();
        double[] y = s.y().length == 0 ? new double[] {0} : s.y();
        XYSeries series = c.addSeries(s.name(), x, y);
        series.setMarker(SeriesMarkers.NONE);
        series.setLineWidth(width);
    }

    /** precision (after the envelope AP uses) against recall, one series per class */
    public static void prCurves(String title, List<Series> curves, OutputStream out) throws IOException {
        XYChart c = chart(title, "recall", "precision", curves.size());
        for (Series s : curves) {
            add(c, s, curves.size() > 1 ? 1.2f : 2f);
        }
        Png.write(c, out);
    }

    /** F1 against score threshold per class, and their mean drawn thick */
    public static void f1Curves(List<Series> perClass, Series mean, OutputStream out) throws IOException {
        XYChart c = chart("F1 against score threshold (thick: mean over classes)", "score threshold", "F1",
                perClass.size() + 1);
        for (Series s : perClass) {
            add(c, s, 1f);
        }
        add(c, mean, 4f);
        c.getSeriesMap().get(mean.name()).setLineColor(Color.BLACK);
        c.getSeriesMap().get(mean.name()).setLineStyle(org.knowm.xchart.style.lines.SeriesLines.SOLID);
        Png.write(c, out);
    }

    /**
     * the matrix drawn as a grid, each row shaded by its share of the row's total (so rare classes
     * read as well as common ones), with the counts written in when the cells are large enough
     */
    public static void confusionMatrix(List<String> names, long[][] counts, String subtitle, OutputStream out)
            throws IOException {
        int n = names.size();
        int cell = Math.max(12, Math.min(60, 900 / n));
        int labelSpace = Math.min(220, 40 + 7 * names.stream().mapToInt(String::length).max().orElse(5));
        int size = labelSpace + n * cell + 50;
        BufferedImage img = new BufferedImage(Math.max(size, 640), size + 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = whiteCanvas(img);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("Confusion matrix: rows ground truth, columns predicted", 10, 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString(subtitle + " Rows shaded by their share of the row.", 10, 38);
        int fontSize = Math.max(8, Math.min(12, cell / 3));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, fontSize));
        int top = 50 + labelSpace;
        for (int r = 0; r < n; r++) {
            long total = 0;
            for (long v : counts[r]) {
                total += v;
            }
            for (int col = 0; col < n; col++) {
                double share = total == 0 ? 0 : (double) counts[r][col] / total;
                int shade = (int) Math.round(255 * (1 - share));
                g.setColor(new Color(shade, shade, 255));
                g.fillRect(labelSpace + col * cell, top + r * cell, cell, cell);
                if (cell >= 24 && counts[r][col] > 0) {
                    g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
                    g.drawString(Long.toString(counts[r][col]), labelSpace + col * cell + 3, top + r * cell + cell / 2 + 4);
                }
            }
            g.setColor(Color.BLACK);
            g.drawString(clip(names.get(r)), 4, top + r * cell + cell / 2 + 4);
        }
        AffineTransform saved = g.getTransform();
        for (int col = 0; col < n; col++) {
            g.setTransform(saved);
            g.rotate(-Math.PI / 2, labelSpace + col * cell + cell / 2 + 4, top - 4);
            g.drawString(clip(names.get(col)), labelSpace + col * cell + cell / 2 + 4, top - 4);
        }
        g.setTransform(saved);
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1));
        g.drawRect(labelSpace, top, n * cell, n * cell);
        g.dispose();
        Png.write(img, out);
    }

    /**
     * One horizontal bar per class, the first at the bottom, its value written after it: the
     * reference segmentation repositories' draw_plot_func (royal blue, two decimals below 1).
     */
    public static void classBars(String title, String axis, List<String> names, double[] values, OutputStream out)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        int n = names.size();
        int slot = Math.max(12, Math.min(30, 600 / Math.max(n, 1)));
        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.min(12, slot - 3)));
        Font valueFont = labelFont.deriveFont(Font.BOLD);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D measure = probe.createGraphics();
        int labelSpace = 20 + names.stream().mapToInt(name -> measure.getFontMetrics(labelFont).stringWidth(clip(name)))
                .max().orElse(40);
        int valueSpace = 20 + measure.getFontMetrics(valueFont).stringWidth(" 0.00");
        measure.dispose();
        double max = 1.0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        int plotWidth = 480;
        int top = 50;
        int plotHeight = n * slot;
        BufferedImage img = new BufferedImage(labelSpace + plotWidth + valueSpace, top + plotHeight + 60,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = whiteCanvas(img);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
        g.drawString(title, (img.getWidth() - g.getFontMetrics().stringWidth(title)) / 2, 28);
        Color royalBlue = new Color(65, 105, 225);
        for (int i = 0; i < n; i++) {
            int y = top + (n - 1 - i) * slot;
            int w = (int) Math.round(plotWidth * Math.max(0, values[i]) / max);
            g.setColor(royalBlue);
            g.fillRect(labelSpace, y + slot / 10, w, slot - 2 * (slot / 10));
            g.setFont(valueFont);
            g.drawString(values[i] < 1.0 ? String.format(java.util.Locale.ROOT, " %.2f", values[i]) : " " + values[i],
                    labelSpace + w, y + slot / 2 + 4);
            g.setColor(Color.BLACK);
            g.setFont(labelFont);
            String label = clip(names.get(i));
            g.drawString(label, labelSpace - 6 - g.getFontMetrics().stringWidth(label), y + slot / 2 + 4);
        }
        g.setColor(Color.GRAY);
        g.drawRect(labelSpace, top, plotWidth, plotHeight);
        g.setColor(Color.BLACK);
        g.setFont(labelFont);
        for (int t = 0; t <= 5; t++) {
            double v = max * t / 5;
            int x = labelSpace + (int) Math.round(plotWidth * t / 5.0);
            g.drawLine(x, top + plotHeight, x, top + plotHeight + 4);
            String tick = String.format(java.util.Locale.ROOT, "%.1f", v);
            g.drawString(tick, x - g.getFontMetrics().stringWidth(tick) / 2, top + plotHeight + 18);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(axis, labelSpace + (plotWidth - g.getFontMetrics().stringWidth(axis)) / 2, top + plotHeight + 42);
        g.dispose();
        Png.write(img, out);
    }

    /** a picture's graphics, painted white, drawing in black with smoothed text */
    private static Graphics2D whiteCanvas(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        return g;
    }

    private static String clip(String name) {
        return name.length() > 28 ? name.substring(0, 27) + "…" : name;
    }
}
