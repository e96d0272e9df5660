package sparkdet.predict;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.image.LabelMap;
import sparkdet.image.RgbImage;
import sparkdet.infer.Detector;
import sparkdet.infer.SharedDetectors;
import sparkdet.io.HadoopConf;
import sparkdet.io.Storage;
import sparkdet.model.Task;
import sparkdet.postprocess.Detection;

/**
 * One predict task: the executor's shared detector (loaded once per executor), images decoded
 * ahead by loader threads while the network runs batch after batch, and per image a row, its txt
 * file, its drawing and its COCO results, written from here. The network uses the task's cores.
 */
final class PredictPartition implements FlatMapFunction<Iterator<ImageRef>, Row> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PredictPartition.class);

    private final PredictRequest request;
    private final String stagingDir;
    private final HadoopConf hadoop;

    PredictPartition(PredictRequest request, String stagingDir, HadoopConf hadoop) {
        this.request = request;
        this.stagingDir = stagingDir;
        this.hadoop = hadoop;
    }

    @Override
    public Iterator<Row> call(Iterator<ImageRef> input) throws Exception {
        List<ImageRef> refs = new ArrayList<>();
        input.forEachRemaining(refs::add);
        TaskContext task = TaskContext.get();
        int cores = task == null ? 1 : Math.max(1, task.cpus());
        int partition = task == null ? 0 : task.partitionId();
        Storage storage = new Storage(hadoop.get());
        List<Row> rows = new ArrayList<>(refs.size());
        long t0 = System.nanoTime();
        long waited = 0;
        long network = 0;
        try (SharedDetectors.Lease model = SharedDetectors.acquire(hadoop, request.model(), cores, request.device(),
                request.modelMaxBytes());
             DecodedImages images = new DecodedImages(refs, hadoop.get(), request.loaderThreads(), 2 * request.batch(),
                     request.pixelLimit());
             BatchWriter writer = model.detector().spec().task() == Task.SEGMENT
                     ? new MaskWriter(storage, model.detector(), partition)
                     : new BoxWriter(storage, model.detector(), partition)) {
            List<DecodedImages.Decoded> batch = new ArrayList<>(request.batch());
            while (images.hasNext()) {
                long w = System.nanoTime();
                batch.clear();
                while (batch.size() < request.batch() && images.hasNext()) {
                    DecodedImages.Decoded d = images.next();
                    if (d.image() == null) {
                        rows.add(writer.failed(d));
                    } else {
                        batch.add(d);
                    }
                }
                waited += System.nanoTime() - w;
                if (batch.isEmpty()) {
                    continue;
                }
                network += writer.write(batch, rows);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        LOG.info("partition {}: {} images in {} s ({} images/s; waiting for decoding {} %, detect {} %)", partition,
                refs.size(), String.format(Locale.ROOT, "%.1f", seconds),
                String.format(Locale.ROOT, "%.1f", refs.size() / Math.max(seconds, 1e-9)),
                Math.round(100 * waited / 1e9 / Math.max(seconds, 1e-9)),
                Math.round(100 * network / 1e9 / Math.max(seconds, 1e-9)));
        return rows.iterator();
    }

    /** a batch's results as rows and side outputs; returns the nanoseconds the network and decoding took */
    private interface BatchWriter extends AutoCloseable {
        long write(List<DecodedImages.Decoded> batch, List<Row> rows) throws IOException;

        /** the row of an image that could not be read or decoded: its error, in this writer's schema */
        Row failed(DecodedImages.Decoded d);

        @Override
        void close() throws IOException;
    }

    /** a detection model's boxes: rows of {@link PredictionSchema#IMAGE}, txt files, drawings, COCO results */
    private final class BoxWriter implements BatchWriter {
        private final Detector detector;
        private final SideOutputs side;

        BoxWriter(Storage storage, Detector detector, int partition) throws IOException {
            this.detector = detector;
            this.side = new SideOutputs(storage, new Path(stagingDir), detector.classes(), request.draw(), partition);
        }

        @Override
        public long write(List<DecodedImages.Decoded> batch, List<Row> rows) throws IOException {
            long n0 = System.nanoTime();
            List<List<Detection>> found = detector.detect(pictures(batch), request.options());
            long spent = System.nanoTime() - n0;
            for (int i = 0; i < batch.size(); i++) {
                DecodedImages.Decoded d = batch.get(i);
                side.write(d.ref(), d.image(), found.get(i));
                rows.add(row(d.ref(), d.image(), found.get(i), detector.classes()));
            }
            return spent;
        }

        @Override
        public Row failed(DecodedImages.Decoded d) {
            ImageRef r = d.ref();
            return RowFactory.create(r.imageId(), r.cocoImageId(), r.uri(), r.fileName(), null, null, new Row[0],
                    d.error());
        }

        @Override
        public void close() throws IOException {
            side.close();
        }
    }

    /** a segmentation model's class maps: rows of {@link PredictionSchema#SEGMENT}, masks, overlays, counts */
    private final class MaskWriter implements BatchWriter {
        private final Detector detector;
        private final SegmentOutputs side;

        MaskWriter(Storage storage, Detector detector, int partition) throws IOException {
            this.detector = detector;
            this.side = new SegmentOutputs(storage, new Path(stagingDir), detector.classes(), request.mix(), partition);
        }

        @Override
        public long write(List<DecodedImages.Decoded> batch, List<Row> rows) throws IOException {
            long n0 = System.nanoTime();
            List<LabelMap> maps = detector.segment(pictures(batch));
            long spent = System.nanoTime() - n0;
            int classes = detector.classes().size();
            for (int i = 0; i < batch.size(); i++) {
                DecodedImages.Decoded d = batch.get(i);
                long[] pixels = java.util.Arrays.copyOf(maps.get(i).histogram(), classes);
                String mask = side.write(d.ref(), d.image(), maps.get(i), pixels);
                ImageRef r = d.ref();
                rows.add(RowFactory.create(r.imageId(), r.cocoImageId(), r.uri(), r.fileName(), d.image().width(),
                        d.image().height(), mask, boxed(pixels), null));
            }
            return spent;
        }

        @Override
        public Row failed(DecodedImages.Decoded d) {
            ImageRef r = d.ref();
            return RowFactory.create(r.imageId(), r.cocoImageId(), r.uri(), r.fileName(), null, null, null, null,
                    d.error());
        }

        @Override
        public void close() throws IOException {
            side.close();
        }
    }

    private static List<RgbImage> pictures(List<DecodedImages.Decoded> batch) {
        return batch.stream().map(DecodedImages.Decoded::image).toList();
    }

    /** Spark's row encoder takes arrays of objects */
    private static Long[] boxed(long[] values) {
        Long[] out = new Long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static Row row(ImageRef r, RgbImage image, List<Detection> detections, List<String> classes) {
        List<Row> boxes = new ArrayList<>(detections.size());
        for (Detection d : detections) {
            boxes.add(RowFactory.create(d.classIndex(), classes.get(d.classIndex()), d.score(), d.x1(), d.y1(), d.x2(),
                    d.y2()));
        }
        // Spark's row encoder takes arrays (or Scala sequences), not Java lists
        return RowFactory.create(r.imageId(), r.cocoImageId(), r.uri(), r.fileName(), image.width(), image.height(),
                boxes.toArray(new Row[0]), null);
    }
}
