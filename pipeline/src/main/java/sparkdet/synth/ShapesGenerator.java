package sparkdet.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.GradientPaint;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * A synthetic detection dataset in the VOC layout: JPEG images of circles, squares and triangles
 * on noisy gradient backgrounds, with their boxes. Small enough to train on two cores in
 * minutes, and deterministic for a seed: the embedded default data of the demo.
 */
public final class ShapesGenerator {
    public static final List<String> CLASSES = List.of("circle", "square", "triangle");

    private ShapesGenerator() {
    }

    /** writes Annotations/, JPEGImages/, ImageSets/Main/{train,val}.txt (80/20) and classes.txt */
    public static void generate(Path root, int images, long seed) throws IOException {
        Path ann = Files.createDirectories(root.resolve("Annotations"));
        Path jpg = Files.createDirectories(root.resolve("JPEGImages"));
        Path sets = Files.createDirectories(root.resolve("ImageSets/Main"));
        Random rnd = new Random(seed);
        List<String> train = new ArrayList<>();
        List<String> val = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            String stem = String.format(Locale.ROOT, "%06d", i + 1);
            int w = 320 + rnd.nextInt(5) * 32;
            int h = 240 + rnd.nextInt(5) * 32;
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setPaint(new GradientPaint(0, 0, randomColor(rnd, 60, 200), w, h, randomColor(rnd, 60, 200)));
            g.fillRect(0, 0, w, h);
            StringBuilder objects = new StringBuilder();
            int n = 1 + rnd.nextInt(4);
            for (int k = 0; k < n; k++) {
                int cls = rnd.nextInt(CLASSES.size());
                int size = 24 + rnd.nextInt(Math.min(w, h) / 3);
                int x = rnd.nextInt(w - size);
                int y = rnd.nextInt(h - size);
                g.setColor(randomColor(rnd, 0, 255));
                switch (cls) {
                    case 0 -> g.fillOval(x, y, size, size);
                    case 1 -> g.fillRect(x, y, size, size);
                    default -> g.fillPolygon(new int[] {x + size / 2, x, x + size}, new int[] {y, y + size, y + size}, 3);
                }
                g.setColor(Color.BLACK);
                g.setStroke(new BasicStroke(1));
                objects.append(String.format(Locale.ROOT, "  <object>\n    <name>%s</name>\n    <pose>Unspecified</pose>\n"
                        + "    <truncated>0</truncated>\n    <difficult>0</difficult>\n    <bndbox>\n"
                        + "      <xmin>%d</xmin>\n      <ymin>%d</ymin>\n      <xmax>%d</xmax>\n      <ymax>%d</ymax>\n"
                        + "    </bndbox>\n  </object>\n", CLASSES.get(cls), x, y, x + size, y + size));
            }
            for (int p = 0; p < w * h / 50; p++) {
                img.setRGB(rnd.nextInt(w), rnd.nextInt(h), randomColor(rnd, 0, 255).getRGB());
            }
            g.dispose();
            ImageIO.write(img, "jpg", jpg.resolve(stem + ".jpg").toFile());
            String xml = String.format(Locale.ROOT, "<annotation>\n  <folder>shapes</folder>\n  <filename>%s.jpg</filename>\n"
                    + "  <size>\n    <width>%d</width>\n    <height>%d</height>\n    <depth>3</depth>\n  </size>\n"
                    + "  <segmented>0</segmented>\n%s</annotation>\n", stem, w, h, objects);
            Files.writeString(ann.resolve(stem + ".xml"), xml, StandardCharsets.UTF_8);
            (i % 5 == 4 ? val : train).add(stem);
        }
        writeLines(sets.resolve("train.txt"), train);
        writeLines(sets.resolve("val.txt"), val);
        writeLines(root.resolve("classes.txt"), CLASSES);
    }

    private static Color randomColor(Random rnd, int lo, int hi) {
        return new Color(lo + rnd.nextInt(hi - lo + 1), lo + rnd.nextInt(hi - lo + 1), lo + rnd.nextInt(hi - lo + 1));
    }

    private static void writeLines(Path file, List<String> lines) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String l : lines) {
                w.write(l);
                w.write('\n');
            }
        }
    }
}
