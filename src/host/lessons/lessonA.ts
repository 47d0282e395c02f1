/**
 * Lesson A, after the Thai notebook "Neural Network 102 – initialization" (docs/lessons.md):
 * MNIST, a 784-100-100-100-1 ReLU MLP with hand-written backward passes, and normal(0, 1) against
 * Xavier against Kaiming, with the original's double-gain "Kaiming" shown next to He's.
 * English and Thai; the code is shared.
 */
import { md, ts, type Lesson } from './lesson';

export const lessonA: Lesson = {
  id: 'a',
  languages: ['en', 'th'],
  title: { en: 'Lesson A: initialization decides the gradients (MNIST)', th: 'บทเรียน A: การกำหนดค่าเริ่มต้นกำหนดชะตาของเกรเดียนต์ (MNIST)' },
  cells: [
    md(
      'intro',
      `
# Initialization decides the gradients

A network learns through its gradients, and the first gradients it ever sees are decided by how its weights were drawn. In this lesson we take MNIST and a plain 4-layer network, draw its weights three ways (a standard normal, Xavier, Kaiming), run one forward and one backward pass over all 50,000 training images, and look at every layer's activations and gradients.

Run the cells in order (or **Run All**). Every number below is computed live on the MNIST copy bundled with InitLab.`,
      {
        th: `
# ค่าเริ่มต้นของน้ำหนักกำหนดเกรเดียนต์

โครงข่ายประสาทเรียนรู้ผ่านเกรเดียนต์ และเกรเดียนต์ชุดแรกที่มันได้เห็นก็ขึ้นอยู่กับว่าเราสุ่มน้ำหนักมาอย่างไร ในบทเรียนนี้เราจะใช้ MNIST กับโครงข่ายธรรมดา 4 ชั้น สุ่มน้ำหนักสามแบบ (แจกแจงปกติมาตรฐาน, Xavier, Kaiming) แล้วคำนวณไปข้างหน้าและย้อนกลับหนึ่งรอบกับภาพฝึกทั้ง 50,000 ภาพ จากนั้นดูค่ากระตุ้นและเกรเดียนต์ของทุกชั้น

รันเซลล์ตามลำดับ (หรือกด **Run All**) ตัวเลขทุกตัวด้านล่างคำนวณสดจากชุดข้อมูล MNIST ที่มากับ InitLab`,
      },
    ),
    md(
      'data-intro',
      `
## 1. The data

MNIST's first 50,000 training images are our training set and the next 10,000 the validation set, as in the original \`mnist.pkl\`. Pixels are scaled into [0, 1); \`normalize: false\` keeps them that way for now. We expect a mean of 0.1304 and a std of 0.3073. (MNIST is by Yann LeCun, Corinna Cortes and Christopher J. C. Burges.)`,
      {
        th: `
## 1. ข้อมูล

ภาพฝึก 50,000 ภาพแรกของ MNIST คือชุดฝึก และอีก 10,000 ภาพถัดไปคือชุดตรวจสอบ เหมือนไฟล์ \`mnist.pkl\` ต้นฉบับ ค่าพิกเซลถูกย่อให้อยู่ในช่วง [0, 1) โดย \`normalize: false\` ทำให้ยังคงเป็นแบบนั้นไว้ก่อน ค่าเฉลี่ยควรเป็น 0.1304 และส่วนเบี่ยงเบนมาตรฐานควรเป็น 0.3073 (MNIST เป็นผลงานของ Yann LeCun, Corinna Cortes และ Christopher J. C. Burges)`,
      },
    ),
    ts(
      'load',
      `
const { xTrain, yTrain, xValid } = data.mnist({ normalize: false });
const [n, m] = xTrain.shape;
const c = 10; // ten digits
const { mean, std } = data.meanStd(xTrain);
console.log(\`n = \${n}, m = \${m}, c = \${c}\`);
console.log(\`train mean \${mean.toFixed(4)}, std \${std.toFixed(4)}\`);`,
    ),
    md(
      'normalize-intro',
      `
Networks are easiest to start when their input has mean 0 and std 1. We normalize **both** sets with the *training* statistics: the validation set must be treated exactly like data the model has never seen. The targets stay the digits as floats, because the loss is a mean squared error.`,
      {
        th: `
โครงข่ายจะเริ่มเรียนได้ง่ายที่สุดเมื่ออินพุตมีค่าเฉลี่ย 0 และส่วนเบี่ยงเบนมาตรฐาน 1 เราจึงปรับมาตรฐาน**ทั้งสองชุด**ด้วยสถิติของ*ชุดฝึก* เพราะชุดตรวจสอบต้องถูกปฏิบัติเหมือนข้อมูลที่โมเดลไม่เคยเห็น ส่วนเป้าหมายยังเป็นตัวเลขโดดในรูปทศนิยม เพราะเราใช้ค่าความคลาดเคลื่อนกำลังสองเฉลี่ย (MSE)`,
      },
    ),
    ts(
      'normalize',
      `
const x = data.normalize(xTrain, mean, std);
const xv = data.normalize(xValid, mean, std);
const y = yTrain;
const after = data.meanStd(x);
console.log(\`normalized train: mean \${after.mean.toExponential(1)}, std \${after.std.toFixed(4)}\`);
console.log(\`normalized valid: mean \${data.meanStd(xv).mean.toFixed(4)}\`);
xTrain.dispose();
xValid.dispose();`,
    ),
    md(
      'modules-intro',
      `
## 2. Modules with a hand-written backward pass

Each layer keeps its input in \`forward\` and, in \`backward\`, stores gradients on \`.g\` from the gradient of its output:

- Linear: \`inp.g = out.g @ wᵀ\`, \`w.g = inpᵀ @ out.g\`, \`b.g = Σ out.g\` over the rows
- ReLU: \`inp.g = out.g · (inp > 0)\`
- MSE: \`inp.g = 2 (ŷ − y) / n\`

Here is Linear written out in a cell, checked against TensorFlow.js's automatic differentiation. InitLab's \`nn.Linear\`, \`nn.ReLU\`, \`nn.MSE\` and \`nn.mlp\` are built the same way.`,
      {
        th: `
## 2. โมดูลที่เขียนการคำนวณย้อนกลับเอง

แต่ละชั้นเก็บอินพุตไว้ใน \`forward\` และใน \`backward\` จะคำนวณเกรเดียนต์จากเกรเดียนต์ของเอาต์พุต แล้วเก็บไว้ที่ \`.g\`:

- Linear: \`inp.g = out.g @ wᵀ\`, \`w.g = inpᵀ @ out.g\`, \`b.g = Σ out.g\` ตามแถว
- ReLU: \`inp.g = out.g · (inp > 0)\`
- MSE: \`inp.g = 2 (ŷ − y) / n\`

เซลล์ถัดไปเขียนชั้น Linear ออกมาให้ดูทั้งหมด แล้วตรวจกับการหาอนุพันธ์อัตโนมัติของ TensorFlow.js ส่วน \`nn.Linear\`, \`nn.ReLU\`, \`nn.MSE\` และ \`nn.mlp\` ของ InitLab ก็สร้างด้วยวิธีเดียวกัน`,
      },
    ),
    ts(
      'linear-by-hand',
      `
class Lin {
  inp: any;
  out: any;
  constructor(public w: any, public b: any) {}
  forward(inp: any) {
    this.inp = inp;
    this.out = tf.add(tf.matMul(inp, this.w), this.b);
    return this.out;
  }
  backward() {
    this.inp.g = tf.matMul(this.out.g, this.w, false, true);
    this.w.g = tf.matMul(this.inp, this.out.g, true, false);
    this.b.g = tf.sum(this.out.g, 0);
  }
}
// Check on a small batch: d/dw of sum(out²)/2 is inpᵀ @ out.
const lin = new Lin(init.kaimingNormal([m, 5], { seed: 1 }), tf.zeros([5]));
const batch = x.slice([0, 0], [64, m]);
const out = lin.forward(batch);
out.g = out;
lin.backward();
const autodiff = tf.grad((w: any) => tf.div(tf.sum(tf.square(tf.add(tf.matMul(batch, w), lin.b))), 2))(lin.w);
const gap = tf.max(tf.abs(tf.sub(lin.w.g, autodiff))).dataSync()[0];
console.log(\`largest difference from autodiff: \${gap.toExponential(1)}\`);`,
    ),
    md(
      'model-intro',
      `
## 3. The model and a probe

Four Linear layers, 784 → 100 → 100 → 100 → 1, with a plain ReLU between them in every experiment, as in the original: its \`Relu\` module has the \`- 0.5\` commented out. The original subtracts 0.5 only where it looks at the first layer on its own, \`(x_train @ w1).clamp(0.) - 0.5\`, for N(0, 1) and for its "Kaiming" (not for Xavier); that pulls the mean of that one layer's output toward zero. \`experiment\` shows that standalone cell the same way, with the same w1 the model uses; the model's forward and backward passes, whose gradients we print, never shift.

\`probe(model).step(x, y)\` runs one forward and one backward pass over all 50,000 rows and returns, for every layer, statistics of its weights, activations and gradients. \`summary\` prints the figures the original lesson prints, with the gradients last layer first.`,
      {
        th: `
## 3. โมเดลและตัวตรวจวัด (probe)

ชั้น Linear สี่ชั้น 784 → 100 → 100 → 100 → 1 มี ReLU ธรรมดาคั่นระหว่างชั้นในทุกการทดลอง เหมือนต้นฉบับ ซึ่งโมดูล \`Relu\` ใส่ \`- 0.5\` ไว้ในคอมเมนต์ ต้นฉบับลบ 0.5 เฉพาะตอนที่ลองดูชั้นแรกเพียงชั้นเดียว \`(x_train @ w1).clamp(0.) - 0.5\` ในการทดลอง N(0, 1) และ "Kaiming" ของต้นฉบับ (ไม่ลบในการทดลอง Xavier) ซึ่งดึงค่าเฉลี่ยของเอาต์พุตชั้นนั้นชั้นเดียวเข้าใกล้ศูนย์ ฟังก์ชัน \`experiment\` แสดงเซลล์ชั้นแรกนั้นแบบเดียวกัน ด้วย w1 ตัวเดียวกับที่โมเดลใช้ ส่วนการคำนวณไปข้างหน้าและย้อนกลับของโมเดล ซึ่งให้เกรเดียนต์ที่เราพิมพ์ออกมานั้น ไม่มีการลบ 0.5 เลย

\`probe(model).step(x, y)\` คำนวณไปข้างหน้าและย้อนกลับหนึ่งรอบกับข้อมูลทั้ง 50,000 แถว แล้วคืนสถิติของน้ำหนัก ค่ากระตุ้น และเกรเดียนต์ของทุกชั้น ฟังก์ชัน \`summary\` พิมพ์ตัวเลขชุดเดียวกับที่บทเรียนต้นฉบับพิมพ์ โดยเรียงเกรเดียนต์จากชั้นสุดท้ายก่อน`,
      },
    ),
    ts(
      'experiment',
      `
const sizes = [m, 100, 100, 100, 1];
const fmt = (v: number | string) => (typeof v === 'number' ? Number(v.toPrecision(3)).toString() : v);

// firstLayerShift: what the original's standalone first-layer cell subtracts after the ReLU.
// The model itself always uses a plain ReLU. Each experiment draws its own weights (its own
// seed), as each of the original's cells draws fresh ones.
function experiment(label: string, weights: any, firstLayerShift: number, seed: number) {
  const model = nn.mlp(sizes, { activation: 'relu', init: weights, seed });
  const w1 = (model.layers[0] as any).w;
  const z1 = tf.tidy(() => tf.sub(tf.relu(tf.matMul(x, w1)), firstLayerShift));
  const alone = data.meanStd(z1);
  z1.dispose();
  const report = probe(model, { label }).step(x, y);
  model.dispose();
  summary(report, alone, firstLayerShift);
  return report;
}

function summary(report: any, alone: { mean: number; std: number }, shift: number) {
  const layers = report.layers;
  const first = layers[0].tensors;
  console.log(\`\${report.label}\`);
  console.log(\`  weight std, w1..w4:      \${layers.map((l: any) => fmt(l.tensors.weights.std)).join(', ')}\`);
  console.log(\`  x @ w1:    mean \${fmt(first.preActivation.mean)}, std \${fmt(first.preActivation.std)}\`);
  console.log(\`  first layer alone, ReLU\${shift ? \` − \${shift}\` : ''}:  mean \${fmt(alone.mean)}, std \${fmt(alone.std)}\`);
  console.log(\`  in the model, plain ReLU:  mean \${fmt(first.activation.mean)}, std \${fmt(first.activation.std)}\`);
  console.log(\`  gradient std, w4..w1:    \${[...layers].reverse().map((l: any) => fmt(l.tensors.weightGrad.std)).join(', ')}\`);
  console.log(\`  w4.g mean: \${fmt(layers[layers.length - 1].tensors.weightGrad.mean)}\`);
}`,
    ),
    md(
      'normal-intro',
      `
## 4. A standard normal: N(0, 1)

Every weight drawn from N(0, 1). Each output of the first layer sums 784 products, so its std is about √784 = 28. The next layers multiply that again by about √100 · 0.7: the activations, and then the gradients, explode.`,
      {
        th: `
## 4. แจกแจงปกติมาตรฐาน N(0, 1)

น้ำหนักทุกตัวสุ่มจาก N(0, 1) เอาต์พุตแต่ละตัวของชั้นแรกเป็นผลรวมของผลคูณ 784 ค่า ส่วนเบี่ยงเบนมาตรฐานจึงประมาณ √784 = 28 ชั้นถัด ๆ ไปคูณเพิ่มอีกราว √100 · 0.7 ทุกชั้น ค่ากระตุ้นและเกรเดียนต์จึงระเบิด`,
      },
    ),
    ts(
      'normal',
      `
const normalReport = experiment('normal(0, 1)', 'normal', 0.5, 1);
normalReport`,
    ),
    md(
      'xavier-intro',
      `
## 5. Xavier (Glorot & Bengio, 2010)

Xavier normal draws with std = gain · √(2 / (fan_in + fan_out)), averaging the forward and the backward needs. With the ReLU gain √2, the first layer's std is √2 · √(2/884) ≈ 0.067, and the inner layers' √2 · √(2/200) ≈ 0.141. The original's first-layer cell does not subtract 0.5 here.`,
      {
        th: `
## 5. Xavier (Glorot และ Bengio, 2010)

Xavier แบบแจกแจงปกติสุ่มด้วย std = gain · √(2 / (fan_in + fan_out)) ซึ่งเฉลี่ยความต้องการของทั้งทางไปข้างหน้าและทางย้อนกลับ เมื่อใช้ gain ของ ReLU คือ √2 ชั้นแรกจะได้ std = √2 · √(2/884) ≈ 0.067 และชั้นกลางได้ √2 · √(2/200) ≈ 0.141 เซลล์ชั้นแรกของต้นฉบับไม่ได้ลบ 0.5 ในการทดลองนี้`,
      },
    ),
    ts(
      'xavier',
      `
const xavierReport = experiment('Xavier normal', 'xavierNormal', 0, 2);
xavierReport`,
    ),
    md(
      'kaiming-written-intro',
      `
## 6. "Kaiming" as the original writes it

The original notebook draws \`randn(fan_in, fan_out) · √(2 / fan_in)\` and then multiplies by the ReLU gain √2 **again**. Its std is therefore 2 / √fan_in: 0.071 for the first layer and 0.2 for the others. We reproduce that cell exactly, with our own initializer function.`,
      {
        th: `
## 6. "Kaiming" แบบที่ต้นฉบับเขียน

โน้ตบุ๊กต้นฉบับสุ่ม \`randn(fan_in, fan_out) · √(2 / fan_in)\` แล้วคูณด้วย gain ของ ReLU คือ √2 **อีกครั้ง** std จึงกลายเป็น 2 / √fan_in คือ 0.071 ในชั้นแรก และ 0.2 ในชั้นอื่น เราทำซ้ำเซลล์นั้นตามเดิมทุกประการด้วยฟังก์ชันสุ่มน้ำหนักของเราเอง`,
      },
    ),
    ts(
      'kaiming-written',
      `
const doubleGain = (shape: [number, number], _layer: number, seed: number) => init.normal(shape, 0, Math.sqrt(2 / shape[0]) * Math.sqrt(2), { seed });
const writtenReport = experiment('"Kaiming" as written', doubleGain, 0.5, 3);
writtenReport`,
    ),
    md(
      'kaiming-intro',
      `
## 7. Kaiming (He et al., 2015), as torch.nn.init defines it

\`init.kaimingNormal\` draws with std = gain / √fan_in, and the ReLU gain is √2: std = √(2 / fan_in), 0.0505 for the first layer and 0.141 for the others. A ReLU zeroes half of its inputs and so halves the second moment; the 2 in He's variance restores it exactly once. The original applied √2 twice, so its variance is 4 / fan_in: each layer doubles the signal's second moment instead of keeping it. The original has no cell for He's initialization, so its first layer is shown as it is, without a shift. At four layers the two look alike; the verdict at the end tells them apart.`,
      {
        th: `
## 7. Kaiming (He และคณะ, 2015) ตามนิยามของ torch.nn.init

\`init.kaimingNormal\` สุ่มด้วย std = gain / √fan_in และ gain ของ ReLU คือ √2 จึงได้ std = √(2 / fan_in) คือ 0.0505 ในชั้นแรก และ 0.141 ในชั้นอื่น ReLU ตัดอินพุตครึ่งหนึ่งเป็นศูนย์ โมเมนต์อันดับสองจึงเหลือครึ่งเดียว ตัวเลข 2 ในความแปรปรวนของ He ชดเชยส่วนนั้นพอดีหนึ่งครั้ง ต้นฉบับคูณ √2 ซ้ำสองครั้ง ความแปรปรวนจึงเป็น 4 / fan_in ทำให้โมเมนต์อันดับสองของสัญญาณเพิ่มเป็นสองเท่าทุกชั้นแทนที่จะคงที่ ต้นฉบับไม่มีเซลล์สำหรับวิธีของ He เราจึงแสดงชั้นแรกตามจริงโดยไม่ลบ 0.5 ที่ความลึกสี่ชั้น ทั้งสองแบบดูคล้ายกัน แต่บทสรุปท้ายบทจะแยกทั้งสองออกจากกันได้`,
      },
    ),
    ts(
      'kaiming',
      `
const kaimingReport = experiment('Kaiming normal', 'kaimingNormal', 0, 4);
kaimingReport`,
    ),
    md(
      'compare-intro',
      `
## 8. Side by side

The same four experiments on shared axes. Then what variance-propagation theory predicts for each layer next to what we measured, with the prediction continued to layer 20 of a deeper net of the same kind. Last, a verdict: it checks every layer against a healthy band, and it also reads each scheme's gain per layer, because a scheme can sit inside the band at four layers while every layer multiplies its signal by the same factor. The original's "Kaiming" does exactly that: ×√2 ≈ 1.41 in std per layer, harmless at four layers, a std near 1,000 by layer 20.`,
      {
        th: `
## 8. เปรียบเทียบเคียงกัน

การทดลองทั้งสี่แบบบนแกนเดียวกัน ตามด้วยค่าที่ทฤษฎีการแพร่ของความแปรปรวนทำนายไว้สำหรับแต่ละชั้นเทียบกับค่าที่วัดได้ โดยต่อเส้นทำนายไปจนถึงชั้นที่ 20 ของโครงข่ายแบบเดียวกันที่ลึกกว่า สุดท้ายคือบทสรุป ซึ่งตรวจทุกชั้นว่าอยู่ในช่วงที่ดีหรือไม่ และยังอ่าน gain ต่อชั้นของแต่ละแบบด้วย เพราะบางแบบอยู่ในช่วงที่ดีได้ที่ความลึกสี่ชั้น ทั้งที่ทุกชั้นคูณสัญญาณด้วยตัวประกอบเดิมซ้ำ ๆ "Kaiming" ของต้นฉบับเป็นแบบนั้นพอดี คือ std เพิ่ม ×√2 ≈ 1.41 ทุกชั้น ไม่เป็นไรที่สี่ชั้น แต่พอถึงชั้นที่ 20 std จะขึ้นไปใกล้ 1,000`,
      },
    ),
    ts(
      'compare',
      `
const all = compareReports([normalReport, xavierReport, writtenReport, kaimingReport]);
display(all);
display(charts.theory(all, { extendTo: 20 }));
verdict(all)`,
    ),
    md(
      'conclusions',
      `
## 9. What we saw

- The initialization alone decides whether the first gradients are usable: N(0, 1) gives gradients in the millions before any training.
- Depth multiplies the effect: every layer scales the signal by its gain, so a gain a little above or below 1 ends, after enough layers, at Infinity or at 0.
- Gradients are what training lives on. If they vanish, nothing learns; if they explode, the first step destroys the weights.
- Each activation needs its own gain (ReLU √2, tanh 5/3, sigmoid 1), and there are variants for convolutions (the fan includes the kernel size) and for uniform rather than normal draws. Try them: **InitLab: Compare Initializations** in the command palette.`,
      {
        th: `
## 9. สิ่งที่เราเห็น

- ค่าเริ่มต้นเพียงอย่างเดียวก็ตัดสินได้ว่าเกรเดียนต์ชุดแรกใช้งานได้หรือไม่ N(0, 1) ให้เกรเดียนต์ระดับล้านตั้งแต่ยังไม่ได้ฝึก
- ความลึกขยายผลนี้ ทุกชั้นคูณสัญญาณด้วย gain ของมัน gain ที่มากหรือน้อยกว่า 1 เพียงเล็กน้อย เมื่อผ่านหลายชั้นพอจะไปจบที่อนันต์หรือศูนย์
- การฝึกอยู่ได้ด้วยเกรเดียนต์ ถ้าเกรเดียนต์หายไปก็ไม่มีอะไรเรียนรู้ ถ้าระเบิด ก้าวแรกก็ทำลายน้ำหนักทั้งหมด
- ฟังก์ชันกระตุ้นแต่ละแบบต้องการ gain ของตัวเอง (ReLU √2, tanh 5/3, sigmoid 1) และยังมีแบบสำหรับคอนโวลูชัน (fan รวมขนาดเคอร์เนล) และแบบสุ่มจากการแจกแจงสม่ำเสมอ ลองเปรียบเทียบได้ที่คำสั่ง **InitLab: Compare Initializations** ในแถบคำสั่ง`,
      },
    ),
  ],
};
