/**
 * Lesson B, after the Vietnamese course page "Model initialization" (docs/lessons.md):
 * a saturated sigmoid neuron, the 0.25 ceiling of sigmoid' and vanishing through depth, large
 * weights with a large learning rate exploding, and Xavier/Kaiming fixing both.
 * English and Vietnamese; the code is shared.
 */
import { md, ts, type Lesson } from './lesson';

export const lessonB: Lesson = {
  id: 'b',
  languages: ['en', 'vi'],
  title: { en: 'Lesson B: vanishing and exploding gradients', vi: 'Bài B: gradient biến mất và bùng nổ' },
  cells: [
    md(
      'intro',
      `
# Vanishing and exploding gradients

Initializing every weight to zero, or to the same constant, leaves a network unable to learn: every unit computes the same thing and receives the same gradient. Picking a number by hand is no better; it works for one network and fails for the next. Instead we draw weights at random from a range chosen for the activation: **Xavier (Glorot)** for sigmoid and tanh, **Kaiming (He)** for ReLU.

This lesson shows why, in three cases, and then the fix. Run the cells in order (or **Run All**).`,
      {
        vi: `
# Gradient biến mất và bùng nổ

Khởi tạo mọi trọng số bằng 0, hoặc bằng cùng một hằng số, khiến mạng không học được: mọi nơ-ron tính cùng một thứ và nhận cùng một gradient. Tự tay chọn một con số cũng không khá hơn: nó hợp với mạng này nhưng hỏng ở mạng khác. Thay vào đó, ta lấy trọng số ngẫu nhiên trong một khoảng được chọn theo hàm kích hoạt: **Xavier (Glorot)** cho sigmoid và tanh, **Kaiming (He)** cho ReLU.

Bài này chỉ ra lý do qua ba tình huống, rồi đến cách khắc phục. Hãy chạy các ô theo thứ tự (hoặc bấm **Run All**).`,
      },
    ),
    md(
      'case1-intro',
      `
## Case 1: one large weight

A single sigmoid neuron, z = w·x + b, with the weight w = 6.74 and an input x ≈ 2.1, so z = 14.15. By the chain rule the gradient of the loss with respect to w passes through sigmoid'(z) = sigmoid(z)·(1 − sigmoid(z)). At z = 14.15 that local gradient is 7.16 × 10⁻⁷ (the original lesson prints 7.08 × 10⁻⁷ because it rounds sigmoid(14.15) to 0.9999992912; the exact value is 0.9999992843), and one tiny local gradient is enough to make the whole product tiny.`,
      {
        vi: `
## Tình huống 1: một trọng số lớn

Một nơ-ron sigmoid duy nhất, z = w·x + b, với trọng số w = 6.74 và đầu vào x ≈ 2.1, nên z = 14.15. Theo quy tắc chuỗi, gradient của hàm mất mát theo w phải đi qua sigmoid'(z) = sigmoid(z)·(1 − sigmoid(z)). Tại z = 14.15, gradient cục bộ này chỉ còn 7.16 × 10⁻⁷ (bài gốc ghi 7.08 × 10⁻⁷ vì làm tròn sigmoid(14.15) thành 0.9999992912; giá trị chính xác là 0.9999992843), và chỉ cần một gradient cục bộ rất nhỏ là cả tích đã trở nên rất nhỏ.`,
      },
    ),
    ts(
      'case1',
      `
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const sigmoidPrime = (z: number) => sigmoid(z) * (1 - sigmoid(z));
const w = 6.74;
const xOne = 14.15 / w; // about 2.1: the input that puts z at the lesson's 14.15
const z = w * xOne;
console.log(\`z = \${z.toFixed(2)}\`);
console.log(\`sigmoid(z) = \${sigmoid(z).toFixed(10)}\`);
console.log(\`sigmoid'(z) = \${sigmoidPrime(z).toExponential(2)}\`);
// The same gradient from TensorFlow.js's autodiff, for the loss ½·sigmoid(w·x)² (target 0).
const dLdw = tf.grad((wt: any) => tf.mul(0.5, tf.square(tf.sigmoid(tf.mul(wt, xOne)))))(tf.scalar(w)).dataSync()[0];
console.log(\`dL/dw = \${dLdw.toExponential(2)}: the weight barely moves\`);`,
    ),
    md(
      'curve-intro',
      `
Plot sigmoid' over z: it is nearly 0 outside (−4, 4). Our neuron sits far out on the right tail, marked on the curve. tanh' has the same shape, and ReLU' is 1 for every positive z, which is why ReLU networks suffer less from this.`,
      {
        vi: `
Vẽ sigmoid' theo z: đạo hàm gần như bằng 0 bên ngoài khoảng (−4, 4). Nơ-ron của ta nằm rất xa ở đuôi bên phải, được đánh dấu trên đường cong. tanh' có dạng tương tự, còn ReLU' bằng 1 với mọi z dương, vì thế mạng ReLU ít bị ảnh hưởng hơn.`,
      },
    ),
    ts('curve', `charts.derivatives({ from: -16, to: 16, marks: [{ z: 14.15, activation: 'sigmoid', label: "sigmoid'(14.15)" }] })`),
    md(
      'case2-intro',
      `
## Case 2: depth, even with a sensible initialization

The largest value of sigmoid' is 0.25, at z = 0. Each sigmoid layer the gradient passes back through multiplies it by at most 0.25: two layers give at most 0.0625, three 0.015625, like multiplying 100 by 0.1 five times to get 0.001.`,
      {
        vi: `
## Tình huống 2: độ sâu, ngay cả khi khởi tạo hợp lý

Giá trị lớn nhất của sigmoid' là 0.25, tại z = 0. Mỗi lớp sigmoid mà gradient đi ngược qua sẽ nhân nó với nhiều nhất 0.25: hai lớp còn nhiều nhất 0.0625, ba lớp 0.015625, giống như nhân 100 với 0.1 năm lần thì còn 0.001.`,
      },
    ),
    ts(
      'powers',
      `
for (let layers = 1; layers <= 5; layers++) console.log(\`\${layers} sigmoid layer(s): at most \${0.25 ** layers}\`);`,
    ),
    md(
      'deep-intro',
      `
Now a real network: 10 sigmoid layers of 100 units on 10,000 MNIST images (MNIST is by Yann LeCun, Corinna Cortes and Christopher J. C. Burges), with weights N(0, 0.1²), a reasonable-looking choice. The probe shows each layer's gradient; the backward gain (std of the gradient into a layer divided by the gradient out of it) stays near or below 0.25 · √100 · 0.1 = 0.25, and the gradient shrinks layer after layer toward the input.`,
      {
        vi: `
Bây giờ là một mạng thật: 10 lớp sigmoid, mỗi lớp 100 nơ-ron, trên 10.000 ảnh MNIST (MNIST là công trình của Yann LeCun, Corinna Cortes và Christopher J. C. Burges), với trọng số N(0, 0.1²), một lựa chọn trông có vẻ hợp lý. Probe cho thấy gradient của từng lớp; hệ số truyền ngược (độ lệch chuẩn của gradient đi vào một lớp chia cho gradient đi ra) luôn gần hoặc dưới 0.25 · √100 · 0.1 = 0.25, và gradient nhỏ dần qua từng lớp về phía đầu vào.`,
      },
    ),
    ts(
      'deep',
      `
// MNIST (LeCun, Cortes and Burges), normalized with its training mean and std.
const { xTrain: x, yTrain: y } = data.mnist({ subset: 10000 });
const deepSizes = [784, ...Array(9).fill(100), 1];
const smallNormal = (shape: [number, number], _layer: number, seed: number) => init.normal(shape, 0, 0.1, { seed });
const deep = nn.mlp(deepSizes, { activation: 'sigmoid', init: smallNormal, seed: 3 });
const deepReport = probe(deep, { label: 'sigmoid, N(0, 0.1²)' }).step(x, y);
for (const layer of deepReport.layers) {
  console.log(\`layer \${String(layer.layer).padStart(2)}: weight-gradient std \${Number(layer.tensors.weightGrad?.std).toExponential(2)}, backward gain \${Number(layer.backwardGain).toFixed(3)}\`);
}
deepReport`,
    ),
    md(
      'update-intro',
      `
What does one gradient-descent step do with such gradients? θ ← θ − lr · ∇θ with lr = 0.1. The relative change of each layer's weights, ‖Δθ‖ / ‖θ‖, is largest at the output and shrinks toward the input: the first layers, which see the pixels, barely move.`,
      {
        vi: `
Một bước gradient descent làm gì với những gradient như vậy? θ ← θ − lr · ∇θ với lr = 0.1. Độ thay đổi tương đối của trọng số mỗi lớp, ‖Δθ‖ / ‖θ‖, lớn nhất ở lớp đầu ra và nhỏ dần về phía đầu vào: những lớp đầu tiên, nơi nhìn thấy điểm ảnh, gần như không thay đổi.`,
      },
    ),
    ts(
      'update',
      `
const lr = 0.1;
const relativeUpdate = deep.linears().map((linear: any) => tf.tidy(() => tf.div(tf.norm(tf.mul(linear.w.g, lr)), tf.norm(linear.w)).dataSync()[0]));
relativeUpdate.forEach((r: number, i: number) => console.log(\`layer \${String(i + 1).padStart(2)}: ‖Δθ‖/‖θ‖ = \${r.toExponential(2)}\`));
console.log(\`the first layer moves \${(relativeUpdate[relativeUpdate.length - 1] / relativeUpdate[0]).toExponential(1)} times less than the last\`);
deep.dispose();`,
    ),
    md(
      'case3-intro',
      `
## Case 3: large weights and a large learning rate

Weights that are too large do not only saturate sigmoids: in a ReLU network they multiply the signal by about √fan_in · std at every layer, and the gradients grow with it, into the millions. Here a 4-layer ReLU network gets weights N(0, 1) and trains with lr = 0.1. The probe shows the gradients of the first pass, layer by layer, and the training record shows the loss per step until it stops being a number.`,
      {
        vi: `
## Tình huống 3: trọng số lớn và tốc độ học lớn

Trọng số quá lớn không chỉ làm sigmoid bão hòa: trong mạng ReLU, mỗi lớp nhân tín hiệu lên khoảng √fan_in · std, và gradient cũng tăng theo, lên đến hàng triệu. Ở đây, một mạng ReLU 4 lớp có trọng số N(0, 1) và được huấn luyện với lr = 0.1. Probe cho thấy gradient của lượt đầu tiên qua từng lớp, còn bản ghi huấn luyện cho thấy loss theo từng bước cho đến khi nó không còn là một con số.`,
      },
    ),
    ts(
      'explode',
      `
const bigSizes = [784, 100, 100, 100, 1];
const big = nn.mlp(bigSizes, { activation: 'relu', init: 'normal', seed: 4 });
const bigReport = probe(big, { label: 'ReLU, N(0, 1)' }).step(x, y);
console.log(\`weight-gradient std, layer 1..4: \${bigReport.layers.map((l: any) => Number(l.tensors.weightGrad.std).toExponential(2)).join(', ')}\`);
const exploding = train(big, x, y, { lr: 0.1, steps: 30, batchSize: 256, seed: 5, label: 'N(0, 1), lr 0.1' });
console.log(exploding.divergedAtStep === null ? 'the loss stayed finite' : \`the loss became \${exploding.losses[exploding.losses.length - 1].loss} at step \${exploding.divergedAtStep}\`);
big.dispose();
exploding`,
    ),
    md(
      'fix-intro',
      `
## The fix: a range chosen for the activation

Xavier keeps the variance of the signal the same forward and backward (std = gain·√(2/(fan_in + fan_out))); Kaiming does it for ReLU (std = √2/√fan_in). For tanh, whose slope at 0 is 1, Xavier with torch's gain 5/3 works as it is. For sigmoid, whose slope is at most 0.25, torch's gain of 1 gives exactly the N(0, 0.1²) of case 2 and changes nothing; Glorot and Bengio's recipe for sigmoid takes weights 4 times larger to make up for the 0.25, and the first layer's gradient grows a thousandfold; sigmoid's outputs, centred on 0.5 rather than 0, still cost some of it, which is why deep networks prefer tanh or ReLU. The same deep and large networks, reinitialized, side by side with the failing ones.`,
      {
        vi: `
## Cách khắc phục: khoảng giá trị theo hàm kích hoạt

Xavier giữ phương sai của tín hiệu không đổi cả chiều xuôi lẫn chiều ngược (std = gain·√(2/(fan_in + fan_out))); Kaiming làm điều đó cho ReLU (std = √2/√fan_in). Với tanh, có độ dốc tại 0 bằng 1, Xavier với gain 5/3 của torch dùng được ngay. Với sigmoid, có độ dốc nhiều nhất là 0.25, gain 1 của torch cho đúng N(0, 0.1²) của tình huống 2 nên không thay đổi gì; công thức của Glorot và Bengio cho sigmoid lấy trọng số lớn gấp 4 lần để bù cho hệ số 0.25, và gradient của lớp đầu tiên tăng khoảng một nghìn lần; nhưng đầu ra của sigmoid xoay quanh 0.5 chứ không phải 0 nên vẫn mất một phần, vì thế mạng sâu thường dùng tanh hoặc ReLU. Cùng những mạng sâu và mạng lớn ở trên, được khởi tạo lại, đặt cạnh các mạng bị lỗi.`,
      },
    ),
    ts(
      'fix',
      `
const probeWith = (label: string, sizes: number[], activation: any, weights: any, seed: number) => {
  const model = nn.mlp(sizes, { activation, init: weights, seed });
  const report = probe(model, { label }).step(x, y);
  model.dispose();
  return report;
};
const fixed = compareReports([
  deepReport,
  probeWith('sigmoid, Xavier (gain 1)', deepSizes, 'sigmoid', 'xavierNormal', 3),
  probeWith('sigmoid, Xavier × 4', deepSizes, 'sigmoid', (shape: [number, number], _layer: number, seed: number) => init.xavierNormal(shape, 4, { seed }), 3),
  probeWith('tanh, Xavier', deepSizes, 'tanh', 'xavierNormal', 3),
  bigReport,
  probeWith('ReLU, Kaiming', bigSizes, 'relu', 'kaimingNormal', 4),
]);
display(fixed);
verdict(fixed)`,
    ),
    md(
      'fix-train-intro',
      `
Training tells the same story. With Kaiming weights and lr = 0.01 the loss falls steadily; with N(0, 1) weights even lr = 0.01 diverges within two steps. (Kaiming with lr = 0.1 diverges too, for this squared error on digits 0–9: a good initialization does not excuse a learning rate that is too large.)`,
      {
        vi: `
Huấn luyện cho thấy cùng một câu chuyện. Với trọng số Kaiming và lr = 0.01, loss giảm đều; với trọng số N(0, 1), ngay cả lr = 0.01 cũng phân kỳ chỉ sau hai bước. (Kaiming với lr = 0.1 cũng phân kỳ với sai số bình phương trên các chữ số 0–9: khởi tạo tốt không bù được một tốc độ học quá lớn.)`,
      },
    ),
    ts(
      'fix-train',
      `
const trainWith = (label: string, weights: any, lr: number) => {
  const model = nn.mlp(bigSizes, { activation: 'relu', init: weights, seed: 4 });
  const record = train(model, x, y, { lr, steps: 30, batchSize: 256, seed: 5, label });
  model.dispose();
  return record;
};
const converging = trainWith('Kaiming, lr 0.01', 'kaimingNormal', 0.01);
const stillExploding = trainWith('N(0, 1), lr 0.01', 'normal', 0.01);
console.log(\`Kaiming, lr 0.01: loss \${Number(converging.losses[0].loss).toFixed(2)} → \${Number(converging.losses[converging.losses.length - 1].loss).toFixed(2)} in 30 steps\`);
console.log(\`N(0, 1), lr 0.01: diverged at step \${stillExploding.divergedAtStep}\`);
charts.training([exploding, stillExploding, converging])`,
    ),
    md(
      'summary',
      `
## Summary

- A saturated sigmoid (|z| beyond about 4) passes back almost no gradient: the weight feeding it stops learning.
- Through depth, sigmoid multiplies the gradient by at most 0.25 per layer: the early layers barely move.
- Weights that are too large make gradients explode and, with a large learning rate, the loss diverges.
- Draw weights for the activation: Xavier for sigmoid and tanh, Kaiming for ReLU. Compare more schemes with **InitLab: Compare Initializations**.`,
      {
        vi: `
## Tóm tắt

- Một sigmoid bão hòa (|z| vượt quá khoảng 4) gần như không truyền gradient ngược lại: trọng số đi vào nó ngừng học.
- Qua nhiều lớp, sigmoid nhân gradient với nhiều nhất 0.25 mỗi lớp: các lớp đầu gần như không thay đổi.
- Trọng số quá lớn làm gradient bùng nổ và, với tốc độ học lớn, loss phân kỳ.
- Hãy khởi tạo theo hàm kích hoạt: Xavier cho sigmoid và tanh, Kaiming cho ReLU. So sánh thêm các phương pháp với **InitLab: Compare Initializations**.`,
      },
    ),
  ],
};
