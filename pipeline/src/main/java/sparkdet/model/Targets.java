package sparkdet.model;

/**
 * The ground truth of a batch, as a {@link Loss} takes it.
 *
 * @param boxes per image, rows x1, y1, x2, y2, class in input pixels
 */
public record Targets(float[][][] boxes) {
}
