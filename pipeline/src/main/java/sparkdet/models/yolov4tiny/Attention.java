package sparkdet.models.yolov4tiny;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * The attention of yolov4-tiny-pytorch's YoloBody(phi): none (phi 0), se_block (1), cbam_block (2),
 * eca_block (3) or CA_Block (4). The family's variants are the phi values, phi0..phi4.
 */
enum Attention {
    NONE(null),
    SE(SeBlock::new),
    CBAM(CbamBlock::new),
    ECA(EcaBlock::new),
    CA(CaBlock::new);

    private final LongFunction<AttentionBlock> block;

    Attention(LongFunction<AttentionBlock> block) {
        this.block = block;
    }

    /** phi0, phi1, ... */
    String variant() {
        return "phi" + ordinal();
    }

    /** the variant names, phi0 (the default) first */
    static List<String> variants() {
        return Arrays.stream(values()).map(Attention::variant).toList();
    }

    static Attention ofVariant(String variant) {
        return Arrays.stream(values()).filter(a -> a.variant().equals(variant)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no YOLOv4-tiny variant '" + variant + "' (known: "
                        + variants() + ")"));
    }

    /** a block on a feature of that many channels, or none for phi 0 */
    Optional<AttentionBlock> newBlock(long channels) {
        return block == null ? Optional.empty() : Optional.of(block.apply(channels));
    }
}
