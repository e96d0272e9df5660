package sparkdet.models.yolo;

import java.util.List;
import java.util.function.Predicate;
import sparkdet.model.FreezeGroup;
import sparkdet.model.Network;

/**
 * What the anchor-based YOLO networks (YOLOv3, YOLOv4, YOLOv4-tiny, YOLOv5) share: a class count of
 * at least one, outputs of {@link AnchorYoloFamily#ANCHORS_PER_SCALE} x (5 + classes) channels, the
 * backbone (every parameter under {@code backbone.}) as what transfer learning freezes, and the
 * class count as why a head output convolution's shape differs from a file's.
 */
public abstract class AnchorYoloNetwork extends Network {
    private static final List<FreezeGroup> BACKBONE = List.of(new FreezeGroup("backbone", List.of("backbone.")));

    private final int numClasses;
    private final Predicate<String> isHeadOutput;

    /** @param isHeadOutput whether a parameter name is of a head's output convolution */
    protected AnchorYoloNetwork(int numClasses, Predicate<String> isHeadOutput) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("a detector needs at least one class, got " + numClasses);
        }
        this.numClasses = numClasses;
        this.isHeadOutput = isHeadOutput;
    }

    /** the channels of each output: per anchor, box (4), objectness and the class scores */
    protected final long outputChannels() {
        return AnchorYoloFamily.ANCHORS_PER_SCALE * (5L + numClasses);
    }

    @Override
    public final int numClasses() {
        return numClasses;
    }

    @Override
    public final List<FreezeGroup> freezeGroups() {
        return BACKBONE;
    }

    /** the head outputs depend on the class count */
    @Override
    public String shapeHint(String name) {
        return isHeadOutput.test(name) ? " (class count changed)" : "";
    }
}
