package sparkdet.train;

import sparkdet.model.Task;

/**
 * The task's validation metric as training reports it: its history.csv column, its plot, its log
 * name. The best checkpoint is the one with the highest value.
 *
 * @param column history.csv's column
 * @param title the plot's title and y axis
 * @param plot the plot's file in the output
 */
public record ValidationMetric(String column, String title, String plot) {
    static final ValidationMetric MAP50 = new ValidationMetric("val_mAP50", "mAP@0.5", "map.png");
    static final ValidationMetric MIOU = new ValidationMetric("val_mIoU", "mIoU", "miou.png");

    public static ValidationMetric of(Task task) {
        return task == Task.SEGMENT ? MIOU : MAP50;
    }

    /** history.csv's first line */
    String header() {
        return "epoch,phase,train_loss," + column + ",lr,seconds";
    }
}
