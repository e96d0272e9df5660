package sparkdet.viz;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The training curves: one value per epoch. */
public final class TrainPlots {
    private TrainPlots() {
    }

    public static void curve(String title, String yTitle, double[] epochs, double[] values, OutputStream out)
            throws IOException {
        XYChart c = new XYChartBuilder().width(800).height(480).title(title).xAxisTitle("epoch").yAxisTitle(yTitle)
                .build();
        c.getStyler().setLegendVisible(false);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        XYSeries s = c.addSeries(yTitle, epochs, values);
        s.setMarker(epochs.length > 60 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        Png.write(c, out);
    }
}
