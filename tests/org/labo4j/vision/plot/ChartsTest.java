package org.labo4j.vision.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labo4j.vision.metrics.ReliabilityDiagram;

class ChartsTest {
    @TempDir
    Path dir;

    private static BufferedImage read(Path png) throws IOException {
        return ImageIO.read(png.toFile());
    }

    @Test
    void writesAllChartKindsAsPng() throws IOException {
        double[] epochs = {1, 2, 3};
        Path curves = dir.resolve("curves.png");
        TrainingCurvesChart.write(curves, "curves",
                List.of(new LineSeries("train", epochs, new double[] {1.0, 0.6, 0.4}),
                        new LineSeries("validation", epochs, new double[] {1.1, Double.NaN, 0.5})),
                List.of(new LineSeries("train", epochs, new double[] {0.6, 0.8, 0.9})));
        assertEquals(ChartFiles.DEFAULT_WIDTH, read(curves).getWidth());

        Path reliability = dir.resolve("reliability.png");
        ReliabilityDiagramChart.write(reliability, "test set", ReliabilityDiagram.of(
                new double[] {0.95, 0.9, 0.85, 0.6, 0.55, 0.3}, new boolean[] {true, true, false, true, false, false},
                15));
        assertEquals(read(reliability).getWidth(), read(reliability).getHeight());

        Path histogram = dir.resolve("temperatures.png");
        HistogramChart.write(histogram, "per-row temperature", "T", new double[] {0.5, 1, 1.5, 2, 2, 2.5,
            Double.POSITIVE_INFINITY}, 5);
        assertEquals(ChartFiles.DEFAULT_HEIGHT, read(histogram).getHeight());
        HistogramChart.write(dir.resolve("constant.png"), "constant", "T", new double[] {1, 1, 1}, 3);

        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("smoothing r", new double[] {0, 0.5, 0.3, 0.2});
        series.put("prediction p", new double[] {0.7, 0.2, 0.06, 0.04});
        Path bars = dir.resolve("bars.png");
        BarChart.write(bars, "row 17", "probability", List.of("a", "b", "c", "d"), series);
        assertEquals(ChartFiles.DEFAULT_WIDTH, read(bars).getWidth());
    }
}
