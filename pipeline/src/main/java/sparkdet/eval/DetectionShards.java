package sparkdet.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import sparkdet.data.ClassList;
import sparkdet.data.ImageIds;
import sparkdet.io.HadoopConf;
import sparkdet.io.Storage;

/**
 * Detections read where they are evaluated, one share of the images per Spark task: shard s
 * holds every detection of the images whose index is s modulo {@link #shards()}, in the order
 * of the source, each with its sequence number in the whole source (the tie-break of equal
 * scores), so that no machine ever holds them all.
 */
interface DetectionShards extends Serializable {
    int shards();

    /** @throws IOException naming the file and the problem */
    Shard read(int shard) throws IOException;

    /** one shard's detections (global image indices) and what was left out of them */
    record Shard(BoxTable boxes, long[] sequence, long unknownClass, long unknownImage) {
    }

    /**
     * a COCO results JSON: every task streams the whole file (it cannot be split) and keeps its
     * share, so memory per task is the file's detections over the shards
     */
    record CocoResults(String file, CocoResultsReader.Keys keys, int shards, HadoopConf hadoop)
            implements DetectionShards {
        @Override
        public Shard read(int shard) throws IOException {
            Path p = Storage.path(file);
            try (InputStream in = new Storage(hadoop.get()).open(p)) {
                CocoResultsReader.Result r = CocoResultsReader.read(in, p.toString(), keys,
                        image -> image % shards == shard);
                return new Shard(r.detections(), r.sequence(), r.unknownCategory(), 0);
            }
        }
    }

    /**
     * a folder of get_map.py txt files: the driver lists them and gives each file to the shard of
     * its image; a file whose stem names no image goes to any shard, which counts its lines
     *
     * @param files the folder's files in sorted order (their numbers are the sequence's first part)
     * @param fileShard the shard of each file
     */
    record TxtFolder(List<String> files, int[] fileShard, ClassList classes, Map<String, Integer> imageByStem,
                     long maxFileBytes, int shards, HadoopConf hadoop) implements DetectionShards {
        static TxtFolder of(List<Path> files, ClassList classes, Map<String, Integer> imageByStem, long maxFileBytes,
                            int shards, HadoopConf hadoop) {
            int[] fileShard = new int[files.size()];
            for (int f = 0; f < files.size(); f++) {
                Integer image = imageByStem.get(ImageIds.stem(files.get(f).getName()));
                fileShard[f] = (image != null ? image : f) % shards;
            }
            return new TxtFolder(files.stream().map(Path::toString).toList(), fileShard, classes, imageByStem,
                    maxFileBytes, shards, hadoop);
        }

        @Override
        public Shard read(int shard) throws IOException {
            Storage storage = new Storage(hadoop.get());
            DetectionTxtReader reader = new DetectionTxtReader(classes, imageByStem);
            for (int f = 0; f < files.size(); f++) {
                if (fileShard[f] == shard) {
                    Path p = new Path(files.get(f));
                    reader.read(ImageIds.stem(p.getName()), new String(storage.readBytes(p, maxFileBytes),
                            StandardCharsets.UTF_8), p.toString(), f);
                }
            }
            return new Shard(reader.detections(), reader.sequence(), reader.unknownClass(), reader.unknownImage());
        }
    }
}
