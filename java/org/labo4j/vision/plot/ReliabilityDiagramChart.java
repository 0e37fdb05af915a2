package org.labo4j.vision.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.labo4j.vision.metrics.ReliabilityDiagram;

/**
 * The reliability diagram of Guo et al. (2017): accuracy of each confidence bin as a bar spanning the
 * bin, the perfect-calibration diagonal, and each bin's mean confidence; ECE and MCE in the title.
 * Bars below the diagonal mean over-confidence.
 */
public final class ReliabilityDiagramChart {
    private ReliabilityDiagramChart() {
    }

    public static void write(Path file, String title, ReliabilityDiagram diagram) throws IOException {
        ChartFiles.useHeadlessUnlessSet();
        XYIntervalSeries accuracy = new XYIntervalSeries("accuracy");
        XYSeries confidence = new XYSeries("mean confidence");
        for (ReliabilityDiagram.Bin bin : diagram.bins()) {
            if (bin.count() > 0) {
                double middle = (bin.lower() + bin.upper()) / 2;
                accuracy.add(middle, bin.lower(), bin.upper(), bin.accuracy(), 0, bin.accuracy());
                confidence.add(middle, bin.meanConfidence());
            }
        }
        XYSeries diagonal = new XYSeries("perfect calibration");
        diagonal.add(0, 0);
        diagonal.add(1, 1);

        NumberAxis confidenceAxis = new NumberAxis("confidence (top softmax probability)");
        confidenceAxis.setRange(0, 1);
        NumberAxis accuracyAxis = new NumberAxis("accuracy");
        accuracyAxis.setRange(0, 1);

        XYBarRenderer bars = new XYBarRenderer();
        bars.setBarPainter(new StandardXYBarPainter());
        bars.setShadowVisible(false);
        bars.setDrawBarOutline(true);
        bars.setSeriesPaint(0, new Color(70, 110, 200));
        bars.setSeriesOutlinePaint(0, Color.DARK_GRAY);
        XYIntervalSeriesCollection barData = new XYIntervalSeriesCollection();
        barData.addSeries(accuracy);
        XYPlot plot = new XYPlot(barData, confidenceAxis, accuracyAxis, bars);

        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer();
        lines.setSeriesLinesVisible(0, true);
        lines.setSeriesShapesVisible(0, false);
        lines.setSeriesPaint(0, Color.GRAY);
        lines.setSeriesStroke(0, new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
                new float[] {6f, 4f}, 0f));
        lines.setSeriesLinesVisible(1, false);
        lines.setSeriesShapesVisible(1, true);
        lines.setSeriesPaint(1, new Color(200, 60, 40));
        XYSeriesCollection overlay = new XYSeriesCollection();
        overlay.addSeries(diagonal);
        overlay.addSeries(confidence);
        plot.setDataset(1, overlay);
        plot.setRenderer(1, lines);

        String fullTitle = String.format(Locale.ROOT, "%s (n=%d, ECE %.4f, MCE %.4f, %d bins)", title,
                diagram.total(), diagram.expectedCalibrationError(), diagram.maximumCalibrationError(),
                diagram.bins().size());
        JFreeChart chart = new JFreeChart(fullTitle, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        ChartFiles.style(chart, plot);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ChartFiles.savePng(chart, file, ChartFiles.DEFAULT_HEIGHT + 100, ChartFiles.DEFAULT_HEIGHT + 100);
    }
}
