/**
 * Lesson C, continuing lesson A's closing point (each scheme has variants for convolutions, for
 * uniform draws and for each activation): a CNN's fans, Kaiming for convolutions, what a wrong
 * fan does to a deep CNN, BatchNorm rescuing it and what that costs, LSUV, and the colorful
 * dimension of a good and a bad start over 200 training steps. Written for InitLab, on the
 * bundled MNIST, with tf.layers models as TensorFlow.js users build them.
 * English, Thai and Vietnamese; the code is shared.
 *
 * Over 300 lines because it is one lesson: each cell's prose in three languages sits beside the
 * code it explains, as in lessonA.ts and lessonB.ts.
 */
import { md, ts, type Lesson } from './lesson';

export const lessonC: Lesson = {
  id: 'c',
  languages: ['en', 'th', 'vi'],
  title: { en: 'Lesson C: convolutions, BatchNorm and LSUV', th: 'บทเรียน C: คอนโวลูชัน BatchNorm และ LSUV', vi: 'Bài C: tích chập, BatchNorm và LSUV' },
  cells: [
    md(
      'intro',
      `
# Convolutions, BatchNorm, and what comes after initialization

Lesson A ended on a promise: every scheme has variants, for convolutions, for uniform draws and for each activation. This lesson keeps it for convolutional networks, built with \`tf.layers\` as TensorFlow.js users build them, on the bundled MNIST:

1. the fans of a convolution kernel, and Kaiming for convolutions;
2. what a wrong fan does to a deep CNN;
3. BatchNorm rescuing that bad start, and what it costs;
4. LSUV, which measures instead of computing;
5. the *colorful dimension* of a good and a bad start over 200 training steps.

Run the cells in order (or **Run All**); the whole lesson takes under a minute.`,
      {
        th: `
# คอนโวลูชัน BatchNorm และสิ่งที่ตามมาหลังการกำหนดค่าเริ่มต้น

บทเรียน A จบด้วยคำสัญญาว่า ทุกวิธีกำหนดค่าเริ่มต้นมีรูปแบบย่อย ทั้งสำหรับคอนโวลูชัน สำหรับการสุ่มแบบ uniform และสำหรับแต่ละ activation บทเรียนนี้ทำตามสัญญานั้นกับเครือข่ายคอนโวลูชัน ที่สร้างด้วย \`tf.layers\` แบบที่ผู้ใช้ TensorFlow.js สร้างกันจริง บนชุดข้อมูล MNIST ที่มากับ InitLab:

1. fan ของเคอร์เนลคอนโวลูชัน และ Kaiming สำหรับคอนโวลูชัน
2. fan ที่ผิดทำอะไรกับ CNN ที่ลึก
3. BatchNorm ช่วยกู้จุดเริ่มต้นที่แย่นั้นได้ และต้องแลกกับอะไร
4. LSUV ซึ่งวัดเอาแทนการคำนวณจากสูตร
5. *colorful dimension* ของจุดเริ่มต้นที่ดีและที่แย่ ตลอดการฝึก 200 ขั้น

รันเซลล์ตามลำดับ (หรือกด **Run All**) ทั้งบทเรียนใช้เวลาไม่ถึงหนึ่งนาที`,
        vi: `
# Tích chập, BatchNorm, và những gì đến sau khởi tạo

Bài A khép lại bằng một lời hứa: mỗi cách khởi tạo đều có biến thể, cho tích chập, cho phân phối đều và cho từng hàm kích hoạt. Bài này giữ lời hứa đó với mạng tích chập, dựng bằng \`tf.layers\` như người dùng TensorFlow.js vẫn làm, trên bộ MNIST đi kèm:

1. fan của một nhân tích chập, và Kaiming cho tích chập;
2. một fan sai làm gì với một CNN sâu;
3. BatchNorm cứu điểm khởi đầu tồi đó, và cái giá phải trả;
4. LSUV, đo thay vì tính theo công thức;
5. *colorful dimension* của một khởi đầu tốt và một khởi đầu tồi qua 200 bước huấn luyện.

Hãy chạy các ô theo thứ tự (hoặc bấm **Run All**); cả bài chạy chưa đến một phút.`,
      },
    ),
    ts(
      'load',
      `
// MNIST as images [n, 28, 28, 1], normalized as in lesson A, and one-hot labels for the softmax.
const mnist = data.mnist({ subset: 6400 });
const images = mnist.xTrain.reshape([-1, 28, 28, 1]);
const labels = tf.oneHot(mnist.yTrain.toInt(), 10).toFloat();
// A fixed batch the probe measures every network on.
const batch = images.slice([0, 0, 0, 0], [128, -1, -1, -1]);
const batchLabels = labels.slice([0, 0], [128, -1]);
console.log(\`images \${images.shape.join(' × ')}, probe batch \${batch.shape[0]}\`);`,
    ),
    md(
      'fans-intro',
      `
## 1. The fans of a convolution

A dense layer's unit sums \`fanIn\` inputs. A convolution's output sums a whole window: kernel height × kernel width × input channels. TensorFlow.js stores a 2-D kernel as **[kh, kw, in, out]**, so

- fanIn = kh · kw · in, fanOut = kh · kw · out,

the same as \`torch.nn.init._calculate_fan_in_and_fan_out\`. Kaiming for ReLU keeps the variance of each layer's output by drawing with std = √(2 / fanIn).`,
      {
        th: `
## 1. fan ของคอนโวลูชัน

หน่วยหนึ่งของชั้น dense รวมผลจาก \`fanIn\` อินพุต แต่เอาต์พุตหนึ่งตัวของคอนโวลูชันรวมผลจากทั้งหน้าต่าง คือ ความสูงเคอร์เนล × ความกว้างเคอร์เนล × จำนวนช่องอินพุต TensorFlow.js เก็บเคอร์เนล 2 มิติเป็น **[kh, kw, in, out]** ดังนั้น

- fanIn = kh · kw · in และ fanOut = kh · kw · out

เหมือนกับ \`torch.nn.init._calculate_fan_in_and_fan_out\` Kaiming สำหรับ ReLU รักษาความแปรปรวนของเอาต์พุตแต่ละชั้นไว้ โดยสุ่มด้วย std = √(2 / fanIn)`,
        vi: `
## 1. Fan của một phép tích chập

Một nơ-ron của lớp dense cộng \`fanIn\` đầu vào. Một đầu ra của phép tích chập cộng cả một cửa sổ: chiều cao nhân × chiều rộng nhân × số kênh đầu vào. TensorFlow.js lưu nhân 2 chiều dưới dạng **[kh, kw, in, out]**, nên

- fanIn = kh · kw · in, fanOut = kh · kw · out,

giống \`torch.nn.init._calculate_fan_in_and_fan_out\`. Kaiming cho ReLU giữ phương sai đầu ra của mỗi lớp bằng cách lấy mẫu với std = √(2 / fanIn).`,
      },
    ),
    ts(
      'fans',
      `
const kernelShape = [3, 3, 16, 32];
const { fanIn, fanOut } = init.calculateFanInAndFanOut(kernelShape);
console.log(\`kernel [\${kernelShape.join(', ')}]: fanIn = 3·3·16 = \${fanIn}, fanOut = 3·3·32 = \${fanOut}\`);
const kernel = init.kaimingNormal(kernelShape, { seed: 0 });
const kernelStd = tf.moments(kernel).variance.sqrt().dataSync()[0];
console.log(\`Kaiming normal: std √(2 / \${fanIn}) = \${Math.sqrt(2 / fanIn).toFixed(4)}, measured \${kernelStd.toFixed(4)}\`);`,
    ),
    md(
      'deep-intro',
      `
## 2. A deep CNN, and a wrong fan

A plain deep CNN: ten 3 × 3 convolutions of 8 channels, each followed by ReLU, then global average pooling and a softmax over the digits. \`plainCnn(draw)\` builds it and draws every kernel with InitLab's \`init\`.

With Kaiming, each convolution's output keeps std ≈ √2: the input has variance 1, a convolution multiplies it by fanIn · 2 / fanIn = 2, and ReLU halves the mean square again.

A common slip is to compute the fan as for a dense layer, from the channels alone (\`in\`), forgetting the 3 × 3 window. The std is then √9 = 3 times too large, and each layer multiplies the signal by 3: after ten layers, by 3¹⁰ ≈ 59,000.`,
      {
        th: `
## 2. CNN ที่ลึก และ fan ที่ผิด

CNN ธรรมดาที่ลึก: คอนโวลูชัน 3 × 3 ขนาด 8 ช่อง สิบชั้น แต่ละชั้นตามด้วย ReLU แล้วตามด้วย global average pooling และ softmax เหนือตัวเลขสิบตัว \`plainCnn(draw)\` สร้างเครือข่ายนี้และสุ่มทุกเคอร์เนลด้วย \`init\` ของ InitLab

เมื่อใช้ Kaiming เอาต์พุตของแต่ละคอนโวลูชันคง std ≈ √2 ไว้ได้: อินพุตมีความแปรปรวน 1 คอนโวลูชันคูณมันด้วย fanIn · 2 / fanIn = 2 และ ReLU ลดค่าเฉลี่ยกำลังสองลงครึ่งหนึ่งอีกครั้ง

ความผิดพลาดที่พบบ่อยคือการคิด fan แบบชั้น dense จากจำนวนช่องอย่างเดียว (\`in\`) โดยลืมหน้าต่าง 3 × 3 ไป std จึงใหญ่เกินไป √9 = 3 เท่า และแต่ละชั้นคูณสัญญาณด้วย 3 หลังผ่านสิบชั้นจึงเป็น 3¹⁰ ≈ 59,000 เท่า`,
        vi: `
## 2. Một CNN sâu, và một fan sai

Một CNN sâu đơn giản: mười phép tích chập 3 × 3 với 8 kênh, mỗi phép theo sau là ReLU, rồi global average pooling và softmax trên mười chữ số. \`plainCnn(draw)\` dựng mạng này và lấy mẫu mọi nhân bằng \`init\` của InitLab.

Với Kaiming, đầu ra của mỗi phép tích chập giữ std ≈ √2: đầu vào có phương sai 1, phép tích chập nhân nó với fanIn · 2 / fanIn = 2, và ReLU lại chia đôi trung bình bình phương.

Một sai sót thường gặp là tính fan như với lớp dense, chỉ từ số kênh (\`in\`), quên mất cửa sổ 3 × 3. Khi đó std lớn gấp √9 = 3 lần, và mỗi lớp nhân tín hiệu lên 3: sau mười lớp là 3¹⁰ ≈ 59.000 lần.`,
      },
    ),
    ts(
      'deep',
      `
// A plain CNN of tf.layers: 3 × 3 convolutions ('same' padding), each followed by BatchNorm when
// asked and by ReLU, then global average pooling and a dense softmax. draw(shape, i) gives the
// i-th kernel, shape [3, 3, in, out].
function plainCnn(draw: (shape: number[], i: number) => tf.Tensor, options: { depth?: number; channels?: number; strides?: number[]; batchNorm?: boolean } = {}) {
  const { depth = 10, channels = 8, strides = [], batchNorm = false } = options;
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: [28, 28, 1] }));
  for (let i = 0; i < depth; i++) {
    model.add(tf.layers.conv2d({ filters: channels, kernelSize: 3, strides: strides[i] ?? 1, padding: 'same', useBias: false }));
    if (batchNorm) model.add(tf.layers.batchNormalization());
    model.add(tf.layers.reLU());
  }
  model.add(tf.layers.globalAveragePooling2d({}));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  model.layers
    .filter((layer) => layer.getClassName() === 'Conv2D')
    .forEach((layer, i) => {
      const kernel = draw(layer.getWeights()[0].shape, i);
      layer.setWeights([kernel]);
      kernel.dispose();
    });
  // SGD with momentum, as CNNs are often trained: with any optimizer the start still decides.
  model.compile({ optimizer: tf.train.momentum(0.02, 0.9), loss: 'categoricalCrossentropy' });
  return model;
}

const kaiming = (shape: number[], i: number) => init.kaimingNormal(shape, { seed: i });
// The slip: the fan of a dense layer, the input channels alone.
const channelsOnly = (shape: number[], i: number) => init.normal(shape, { mean: 0, std: Math.sqrt(2 / shape[2]), seed: i });

// The probe keeps a convolution's output as the pre-activation of the ReLU that follows it.
// (Its statistics keep NaN and Infinity as text, so Number() reads them back.)
const convOutputStds = (report: { layers: { kind: string; tensors: { preActivation?: { std: unknown } } }[] }) =>
  report.layers.filter((l) => l.kind === 'conv2d').map((l) => Number(l.tensors.preActivation!.std));

const kaimingCnn = plainCnn(kaiming);
const kaimingReport = probe(kaimingCnn, { label: 'Kaiming (fan = 3·3·in)' }).step(batch, batchLabels);
console.log('Kaiming, std of each convolution’s output:', convOutputStds(kaimingReport).map((s) => s.toFixed(2)).join(', '));
kaimingReport`,
    ),
    ts(
      'wrong-fan',
      `
const wrongCnn = plainCnn(channelsOnly);
const wrongReport = probe(wrongCnn, { label: 'fan = in only' }).step(batch, batchLabels);
const wrongStds = convOutputStds(wrongReport);
console.log('fan = in only, std of each convolution’s output:', wrongStds.map((s) => s.toPrecision(3)).join(', '));
const growth = wrongStds.slice(1).map((s, i) => s / wrongStds[i]);
console.log(\`growth per layer: \${growth.map((g) => g.toFixed(2)).join(', ')} (theory: 3)\`);
compareReports([kaimingReport, wrongReport])`,
    ),
    md(
      'batchnorm-intro',
      `
## 3. BatchNorm rescues it

Put a \`batchNormalization\` layer after each convolution of the same badly drawn network. During training, BatchNorm subtracts each channel's mean over the batch and divides by its std, then scales by γ = 1 and shifts by β = 0 to begin with. Whatever the convolution's scale, each layer then hands ReLU values of mean 0 and std 1. Were they exactly normal, ReLU's output would have std √(1/2 − 1/(2π)) ≈ 0.584; they are nearly so, and every layer comes close to it.`,
      {
        th: `
## 3. BatchNorm ช่วยกู้ไว้ได้

ใส่ชั้น \`batchNormalization\` หลังทุกคอนโวลูชันของเครือข่ายที่สุ่มมาแย่เหมือนเดิม ระหว่างการฝึก BatchNorm ลบค่าเฉลี่ยของแต่ละช่องในแบตช์ออกแล้วหารด้วย std ของมัน จากนั้นคูณด้วย γ = 1 และบวก β = 0 ในตอนเริ่มต้น ไม่ว่าคอนโวลูชันจะมีสเกลเท่าไร แต่ละชั้นก็ส่งค่าที่มีค่าเฉลี่ย 0 และ std 1 ให้ ReLU ถ้าค่าเหล่านั้นแจกแจงแบบปกติพอดี เอาต์พุตของ ReLU จะมี std √(1/2 − 1/(2π)) ≈ 0.584 ค่าจริงเกือบเป็นแบบปกติ และทุกชั้นได้ค่าใกล้เคียงตัวเลขนี้`,
        vi: `
## 3. BatchNorm cứu nó

Đặt một lớp \`batchNormalization\` sau mỗi phép tích chập của cùng mạng bị khởi tạo tồi đó. Khi huấn luyện, BatchNorm trừ trung bình của từng kênh trên batch và chia cho std của kênh, rồi nhân với γ = 1 và cộng β = 0 lúc bắt đầu. Dù phép tích chập có thang đo nào, mỗi lớp vẫn đưa cho ReLU các giá trị có trung bình 0 và std 1. Nếu chúng tuân theo đúng phân phối chuẩn, đầu ra của ReLU sẽ có std √(1/2 − 1/(2π)) ≈ 0,584; chúng gần như chuẩn, và mọi lớp đều cho giá trị gần con số đó.`,
      },
    ),
    ts(
      'batchnorm',
      `
const bnCnn = plainCnn(channelsOnly, { batchNorm: true });
const bnReport = probe(bnCnn, { label: 'fan = in only, with BatchNorm' }).step(batch, batchLabels);
const stdsOf = (kind: string) => bnReport.layers.filter((l) => l.kind === kind).map((l) => Number((l.tensors.activation ?? l.tensors.preActivation)!.std));
console.log('BatchNorm outputs, std:', stdsOf('batchNormalization').map((s) => s.toFixed(3)).join(', '));
console.log(\`ReLU outputs, std: \${stdsOf('reLU').map((s) => s.toFixed(3)).join(', ')} (theory: \${Math.sqrt(0.5 - 1 / (2 * Math.PI)).toFixed(3)})\`);
compareReports([wrongReport, bnReport])`,
    ),
    md(
      'batchnorm-cost-intro',
      `
### What BatchNorm costs

- **Each example depends on its batch.** In training mode an image's output changes with the other images in its batch, since they set the means and stds. At inference BatchNorm uses moving averages instead, which only become right after enough training; a small or unusual batch misleads it.
- **Work and memory.** Each BatchNorm layer adds a pass over every activation forward and backward, and a tensor to keep for the backward pass.
- **It hides the initialization, it does not fix it.** The convolutions' weights are still 3 times too large: the network trains, but weight decay and learning rate now interact with a scale you did not choose.

The cell below measures the first two on this network.`,
      {
        th: `
### BatchNorm ต้องแลกกับอะไร

- **แต่ละตัวอย่างขึ้นกับแบตช์ของมัน** ในโหมดฝึก เอาต์พุตของภาพหนึ่งเปลี่ยนไปตามภาพอื่นในแบตช์เดียวกัน เพราะภาพเหล่านั้นเป็นตัวกำหนดค่าเฉลี่ยและ std ตอนใช้งานจริง BatchNorm ใช้ค่าเฉลี่ยเคลื่อนที่แทน ซึ่งจะถูกต้องก็ต่อเมื่อฝึกมานานพอ แบตช์ที่เล็กหรือผิดปกติจึงทำให้มันผิดพลาดได้
- **งานและหน่วยความจำ** BatchNorm แต่ละชั้นเพิ่มการคำนวณผ่าน activation ทุกตัวทั้งขาไปและขากลับ และต้องเก็บเทนเซอร์ไว้อีกหนึ่งตัวสำหรับขากลับ
- **มันซ่อนการกำหนดค่าเริ่มต้นไว้ ไม่ได้แก้มัน** น้ำหนักของคอนโวลูชันยังใหญ่เกินไป 3 เท่าเหมือนเดิม เครือข่ายฝึกได้ แต่ weight decay และ learning rate ตอนนี้ไปพัวพันกับสเกลที่เราไม่ได้เลือกเอง

เซลล์ถัดไปวัดสองข้อแรกบนเครือข่ายนี้`,
        vi: `
### Cái giá của BatchNorm

- **Mỗi mẫu phụ thuộc vào batch của nó.** Ở chế độ huấn luyện, đầu ra của một ảnh thay đổi theo các ảnh khác trong cùng batch, vì chúng quyết định trung bình và std. Khi suy luận, BatchNorm dùng trung bình trượt thay vào, và chúng chỉ đúng sau khi đã huấn luyện đủ lâu; một batch nhỏ hoặc bất thường sẽ làm nó sai lệch.
- **Công tính toán và bộ nhớ.** Mỗi lớp BatchNorm thêm một lượt qua mọi giá trị kích hoạt ở cả chiều xuôi lẫn chiều ngược, và một tensor phải giữ lại cho chiều ngược.
- **Nó che giấu khởi tạo, không sửa nó.** Trọng số của các phép tích chập vẫn lớn gấp 3 lần: mạng vẫn học được, nhưng weight decay và tốc độ học giờ tương tác với một thang đo mà ta không hề chọn.

Ô dưới đây đo hai điểm đầu trên mạng này.`,
      },
    ),
    ts(
      'batchnorm-cost',
      `
// The first image's predicted probabilities, in training mode, next to two different sets of 31 images.
const firstImage = images.slice([0, 0, 0, 0], [1, -1, -1, -1]);
function firstOutputBeside(model: tf.Sequential, from: number) {
  return tf.tidy(() => {
    const others = images.slice([from, 0, 0, 0], [31, -1, -1, -1]);
    const out = model.apply(tf.concat([firstImage, others]), { training: true }) as tf.Tensor;
    return out.slice([0, 0], [1, -1]);
  });
}
function batchDependence(model: tf.Sequential): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(firstOutputBeside(model, 1000), firstOutputBeside(model, 2000)))).dataSync()[0]);
}
console.log(\`without BatchNorm, the first image's output changes with its batch by \${batchDependence(kaimingCnn).toExponential(1)}\`);
console.log(\`with BatchNorm, by \${batchDependence(bnCnn).toExponential(1)}\`);

// Milliseconds per training step on a batch of 32, the median of 5 after one warm-up, on a
// fresh network (the ones probed above keep their initial weights).
async function msPerStep(model: tf.Sequential): Promise<number> {
  const x = images.slice([0, 0, 0, 0], [32, -1, -1, -1]);
  const y = labels.slice([0, 0], [32, -1]);
  await model.trainOnBatch(x, y);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await model.trainOnBatch(x, y);
    times.push(performance.now() - started);
  }
  tf.dispose([x, y]);
  model.dispose();
  return times.sort((a, b) => a - b)[2];
}
const withoutBn = await msPerStep(plainCnn(kaiming));
const withBn = await msPerStep(plainCnn(channelsOnly, { batchNorm: true }));
console.log(\`a training step: \${withoutBn.toFixed(0)} ms without BatchNorm, \${withBn.toFixed(0)} ms with it (×\${(withBn / withoutBn).toFixed(2)}; your machine's figures will differ)\`);`,
    ),
    md(
      'lsuv-intro',
      `
## 4. LSUV: measure instead of computing

Mishkin and Matas (2015, "All you need is a good init") skip the formula. Layer-sequential unit variance (LSUV) starts from any draw (the paper uses orthogonal matrices), then, from the first layer to the last, pushes a batch through and divides the layer's weights by the std of its output until that std is 1. It needs no fan and no gain, so it works for any layer and any activation; it costs a few forward passes before training. Here it is by hand, on the badly drawn network from section 2.`,
      {
        th: `
## 4. LSUV: วัดแทนการคำนวณ

Mishkin และ Matas (2015, "All you need is a good init") ข้ามสูตรไปเลย วิธี layer-sequential unit variance (LSUV) เริ่มจากการสุ่มแบบใดก็ได้ (ในเปเปอร์ใช้เมทริกซ์ orthogonal) จากนั้นไล่จากชั้นแรกถึงชั้นสุดท้าย ส่งแบตช์หนึ่งผ่านเครือข่าย แล้วหารน้ำหนักของชั้นด้วย std ของเอาต์พุตของชั้นนั้นจนกว่า std จะเป็น 1 วิธีนี้ไม่ต้องใช้ fan หรือ gain จึงใช้ได้กับทุกชั้นและทุก activation แลกกับการรันขาไปไม่กี่รอบก่อนเริ่มฝึก ต่อไปนี้คือการเขียนเองบนเครือข่ายที่สุ่มมาแย่จากหัวข้อที่ 2`,
        vi: `
## 4. LSUV: đo thay vì tính

Mishkin và Matas (2015, "All you need is a good init") bỏ qua công thức. Phương pháp layer-sequential unit variance (LSUV) bắt đầu từ một cách lấy mẫu bất kỳ (bài báo dùng ma trận trực giao), rồi lần lượt từ lớp đầu đến lớp cuối, cho một batch đi qua và chia trọng số của lớp cho std của đầu ra lớp đó cho đến khi std bằng 1. Nó không cần fan hay gain, nên dùng được cho mọi lớp và mọi hàm kích hoạt; cái giá là vài lượt lan truyền xuôi trước khi huấn luyện. Dưới đây ta tự viết nó, trên mạng bị khởi tạo tồi ở mục 2.`,
      },
    ),
    ts(
      'lsuv',
      `
// LSUV by hand: each convolution in turn, its kernel divided by the std of its output on the
// batch until that std is within 0.1 of 1 (the paper's tolerance), at most 10 times.
// (init.lsuv(model, batch) does it in one call, from an orthogonal draw as the paper starts.)
function lsuvByHand(model: tf.Sequential, x: tf.Tensor, tolerance = 0.1, maxIterations = 10): number[] {
  const convs = model.layers.filter((layer) => layer.getClassName() === 'Conv2D');
  return convs.map((layer) => {
    const upToLayer = tf.model({ inputs: model.inputs, outputs: layer.output as tf.SymbolicTensor });
    const outputStd = () => tf.tidy(() => tf.moments(upToLayer.predict(x) as tf.Tensor).variance.sqrt().dataSync()[0]);
    let std = outputStd();
    for (let i = 0; i < maxIterations && Math.abs(std - 1) >= tolerance; i++) {
      tf.tidy(() => layer.setWeights([tf.div(layer.getWeights()[0], std)]));
      std = outputStd();
    }
    return std;
  });
}
const lsuvCnn = plainCnn(channelsOnly);
const afterLsuv = lsuvByHand(lsuvCnn, batch);
console.log('after LSUV, std of each convolution’s output:', afterLsuv.map((s) => s.toFixed(3)).join(', '));
const lsuvReport = probe(lsuvCnn, { label: 'fan = in only, then LSUV' }).step(batch, batchLabels);
compareReports([wrongReport, lsuvReport, kaimingReport])`,
    ),
    md(
      'colorful-intro',
      `
## 5. The colorful dimension

One pass shows the start; training shows whether the start was good. \`watch(model, { x, y })\` records every layer while \`model.fit\` trains, and the chart below the cell updates as it goes. Its last panel is the *colorful dimension* (popularized by fastai): for each layer, a heatmap with the training step across and the histogram of the layer's activations up the side, counts on a log scale.

A smaller network trains here for 200 steps of SGD with momentum (6 convolutions, two of them with stride 2), twice:
- from Kaiming;
- from "small random numbers", std 0.01 for every kernel, once a common default.

In a good start the activations spread over many bins from the first step and stay spread. In the bad start they pile up in the bin around zero, layer after layer, and the loss stays at ln 10 ≈ 2.303: the network guesses.`,
      {
        th: `
## 5. colorful dimension

การรันขาไปรอบเดียวบอกได้แค่จุดเริ่มต้น การฝึกต่างหากที่บอกว่าจุดเริ่มต้นนั้นดีหรือไม่ \`watch(model, { x, y })\` บันทึกทุกชั้นขณะที่ \`model.fit\` ฝึกอยู่ และกราฟใต้เซลล์จะอัปเดตไปพร้อมกัน แผงสุดท้ายคือ *colorful dimension* (ที่ fastai ทำให้เป็นที่รู้จัก): สำหรับแต่ละชั้นเป็น heatmap ที่มีขั้นการฝึกเป็นแกนนอน และฮิสโทแกรมของ activation ของชั้นนั้นเป็นแกนตั้ง จำนวนอยู่ในสเกลลอการิทึม

เครือข่ายที่เล็กกว่าจะถูกฝึกด้วย SGD แบบมี momentum 200 ขั้นที่นี่ (คอนโวลูชัน 6 ชั้น สองชั้นในนั้นมี stride 2) สองครั้ง:
- เริ่มจาก Kaiming
- เริ่มจาก "ตัวเลขสุ่มเล็ก ๆ" คือ std 0.01 ทุกเคอร์เนล ซึ่งเคยเป็นค่าเริ่มต้นที่นิยมกัน

เมื่อเริ่มต้นดี activation จะกระจายไปหลายช่องของฮิสโทแกรมตั้งแต่ขั้นแรกและกระจายอยู่อย่างนั้น เมื่อเริ่มต้นแย่ ค่าจะไปกองอยู่ในช่องรอบศูนย์ทีละชั้น ๆ และค่า loss ค้างอยู่ที่ ln 10 ≈ 2.303: เครือข่ายแค่เดาสุ่ม`,
        vi: `
## 5. Colorful dimension

Một lượt lan truyền chỉ cho thấy điểm khởi đầu; huấn luyện mới cho thấy điểm khởi đầu đó có tốt không. \`watch(model, { x, y })\` ghi lại mọi lớp trong khi \`model.fit\` huấn luyện, và biểu đồ dưới ô cập nhật theo. Bảng cuối là *colorful dimension* (được fastai phổ biến): với mỗi lớp, một heatmap có trục ngang là bước huấn luyện và trục dọc là histogram giá trị kích hoạt của lớp, số đếm theo thang logarit.

Một mạng nhỏ hơn được huấn luyện ở đây 200 bước SGD có momentum (6 phép tích chập, hai trong số đó có stride 2), hai lần:
- từ Kaiming;
- từ "các số ngẫu nhiên nhỏ", std 0,01 cho mọi nhân, từng là một mặc định phổ biến.

Với khởi đầu tốt, giá trị kích hoạt trải ra nhiều ô ngay từ bước đầu và giữ như vậy. Với khởi đầu tồi, chúng dồn vào ô quanh số 0, hết lớp này đến lớp khác, và loss đứng yên ở ln 10 ≈ 2,303: mạng chỉ đoán mò.`,
      },
    ),
    ts(
      'colorful-good',
      `
const small = { depth: 6, channels: 8, strides: [1, 2, 1, 2, 1, 1] };
// 200 steps: one epoch of 6,400 images in batches of 32, recorded every 10 steps on the probe batch.
async function trainWatched(model: tf.Sequential, label: string) {
  const watcher = watch(model, { x: batch, y: batchLabels, every: 10, label });
  await model.fit(images, labels, { batchSize: 32, epochs: 1, shuffle: false, callbacks: [watcher] });
  // Each step's loss is one batch's: the mean of 20 steps says where training stands.
  const losses = watcher.record.losses.map((l) => Number(l.loss));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  console.log(\`\${label}: loss \${mean(losses.slice(0, 20)).toFixed(3)} → \${mean(losses.slice(-20)).toFixed(3)} in \${losses.length} steps (means of the first and last 20)\`);
  return watcher.record;
}
const goodStart = await trainWatched(plainCnn(kaiming, small), 'Kaiming');`,
    ),
    ts(
      'colorful-bad',
      `
const tiny = (shape: number[], i: number) => init.normal(shape, { mean: 0, std: 0.01, seed: i });
const badStart = await trainWatched(plainCnn(tiny, small), 'std 0.01');
const lastConv = badStart.layers.filter((l) => l.kind === 'conv2d').pop()!;
const atStart = badStart.stats.find((s) => s.step === 0 && s.layer === lastConv.layer)!;
console.log(\`std 0.01: the last convolution's output at step 0 has std \${Number(atStart.std.activation).toExponential(1)}\`);`,
    ),
    md(
      'summary',
      `
## What to remember

- A convolution's fan counts the window: fanIn = kh · kw · in. \`init.calculateFanInAndFanOut\` and TensorFlow.js's \`heNormal\` both do; a hand-written formula that forgets it makes a deep CNN explode by 3 per layer.
- BatchNorm rescues a bad scale during training, at the price of batch dependence, more work per step and a scale you did not choose.
- LSUV measures each layer's output and rescales it to std 1; it needs no formula.
- Judge a start by training: the colorful dimension shows at a glance whether every layer's activations stay spread out or collapse.
- The optimizer matters too: Adam rescales each weight's steps, so it partly rescues the std 0.01 start. Change \`tf.train.momentum(0.02, 0.9)\` in \`plainCnn\` to \`tf.train.adam(0.003)\` then run that cell and the last two again.`,
      {
        th: `
## สิ่งที่ควรจำ

- fan ของคอนโวลูชันต้องนับหน้าต่างด้วย: fanIn = kh · kw · in ทั้ง \`init.calculateFanInAndFanOut\` และ \`heNormal\` ของ TensorFlow.js นับให้แล้ว สูตรที่เขียนเองแล้วลืมข้อนี้ทำให้ CNN ที่ลึกระเบิดชั้นละ 3 เท่า
- BatchNorm กู้สเกลที่แย่ได้ระหว่างการฝึก แลกกับการขึ้นกับแบตช์ งานต่อขั้นที่มากขึ้น และสเกลที่เราไม่ได้เลือกเอง
- LSUV วัดเอาต์พุตของแต่ละชั้นแล้วปรับสเกลให้ std เป็น 1 โดยไม่ต้องใช้สูตร
- ตัดสินจุดเริ่มต้นด้วยการฝึก: colorful dimension บอกได้ในแวบเดียวว่า activation ของทุกชั้นยังกระจายอยู่หรือยุบลง
- optimizer ก็มีผลด้วย: Adam ปรับขนาดก้าวของน้ำหนักแต่ละตัวเอง จึงช่วยกู้จุดเริ่มต้น std 0.01 ได้บางส่วน ลองเปลี่ยน \`tf.train.momentum(0.02, 0.9)\` ใน \`plainCnn\` เป็น \`tf.train.adam(0.003)\` แล้วรันเซลล์นั้นกับสองเซลล์สุดท้ายอีกครั้ง`,
        vi: `
## Điều cần nhớ

- Fan của phép tích chập phải tính cả cửa sổ: fanIn = kh · kw · in. \`init.calculateFanInAndFanOut\` và \`heNormal\` của TensorFlow.js đều làm vậy; một công thức tự viết mà quên điều này khiến CNN sâu bùng nổ gấp 3 mỗi lớp.
- BatchNorm cứu một thang đo tồi trong lúc huấn luyện, đổi lại là sự phụ thuộc vào batch, thêm công tính mỗi bước và một thang đo mà ta không chọn.
- LSUV đo đầu ra của từng lớp và co giãn để std bằng 1; không cần công thức nào.
- Hãy đánh giá một khởi đầu bằng huấn luyện: colorful dimension cho thấy ngay giá trị kích hoạt của mọi lớp còn trải rộng hay đã sụp lại.
- Bộ tối ưu cũng quan trọng: Adam tự co giãn bước của từng trọng số, nên cứu được một phần khởi đầu std 0,01. Hãy đổi \`tf.train.momentum(0.02, 0.9)\` trong \`plainCnn\` thành \`tf.train.adam(0.003)\` rồi chạy lại ô đó và hai ô cuối.`,
      },
    ),
  ],
};
