/**
 * The YOLOX family (architecture {@code yolox}) as bubbliiiing/yolox-pytorch defines it: Focus stem,
 * CSPDarknet with SPP, the YOLOPAFPN neck and the decoupled head; variants nano (depthwise), tiny,
 * s, m, l, x; its anchor-free loss with SimOTA; the {@code yolox} sidecar layout. Anchor-free, so it
 * implements {@link sparkdet.model.ModelFamily} directly rather than through sparkdet.models.yolo.
 * {@link sparkdet.models.yolox.YoloXFamily} plugs it into the model-family registry. Parity with the
 * reference: scripts/make_yolox_fixture.py and the tests of this package.
 */
package sparkdet.models.yolox;
