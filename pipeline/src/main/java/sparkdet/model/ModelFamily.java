package sparkdet.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import java.util.List;
import sparkdet.postprocess.OutputDecoder;

/**
 * Everything model-specific, behind one seam: a family is one package that implements this and is
 * registered by one line in META-INF/services/sparkdet.model.ModelFamily; generic code (train,
 * predict, checkpoints, validation, export) finds it by model.json's {@code architecture} through
 * {@link ModelFamilies} and never names it. docs/architecture.md: adding a family.
 */
public interface ModelFamily {
    /** model.json's {@code architecture} and the recipe's {@code train.model} */
    String architecture();

    Task task();

    /** the variants the family builds (depth/width/backbone/phi), the default first */
    List<String> variants();

    /** input sides must be multiples of this (the network's largest stride) */
    int inputMultiple();

    /**
     * The family's options from a model.json's top level, as {@link FamilyOptions#writeTo} writes
     * them (and as earlier sparkdet versions wrote them).
     *
     * @throws IllegalArgumentException naming what is missing or wrong
     */
    FamilyOptions readOptions(JsonNode modelJson);

    /**
     * The family's options from the sidecar of a state-dict file ({@code .pth}) of its network,
     * which holds no description of its own.
     *
     * @throws IllegalArgumentException naming the key that is missing or wrong
     */
    FamilyOptions sidecarOptions(Config sidecar);

    /**
     * The family's part of a training recipe from the {@code sparkdet.train} section: its own keys,
     * checked (their defaults are documented in conf/sparkdet-defaults.conf).
     *
     * @throws IllegalArgumentException naming the key
     */
    FamilyRecipe recipe(Config train);

    /** a network with freshly initialised weights (as the reference's train.py starts one), in train mode */
    Network newNetwork(ModelSpec spec);

    Loss newLoss(ModelSpec spec, double labelSmoothing);

    /**
     * raw outputs to boxes in input pixels, for the family's own network and for its exports. A
     * segmentation family has none: its logits decode alike for every family ({@code MaskDecoder})
     */
    default OutputDecoder newDecoder(ModelSpec spec) {
        throw new UnsupportedOperationException(architecture() + " is a " + task().label()
                + " model: its outputs are not boxes");
    }

    /** the sidecar {@code layout} of ONNX/TorchScript exports of this family's network */
    String sidecarLayout();

    /**
     * Whether a .pth sidecar that names only this family's layout (no {@code architecture}) means
     * this family where several families share the layout: true for the first family of a layout,
     * whose sidecars were written before the others existed, so they keep loading. At most one
     * family per layout says so; a later family of the layout needs {@code architecture}.
     */
    default boolean ownsSharedLayout() {
        return false;
    }
}
