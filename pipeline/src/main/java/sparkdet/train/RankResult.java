package sparkdet.train;

import java.io.Serializable;
import java.util.List;

/**
 * What one rank of a training run did: its steps, images and skipped images, its mean loss in
 * the last epoch, the best validation mAP (rank 0), and a CRC of its final parameters' bytes,
 * equal on two ranks only if every bit of their weights is; and where its time went, epoch by epoch.
 */
public record RankResult(int rank, long steps, long images, long skipped, long parameterCrc, double finalLoss,
                         double bestMap, List<EpochTiming> timings) implements Serializable {
}
