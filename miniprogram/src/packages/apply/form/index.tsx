import { useState } from 'react'
import { Image, Input, Text, Textarea, View } from '@tarojs/components'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { TOPICS } from '@qingting/shared'
import { ApiError, errorMessage } from '../../../services/api'
import { AGE_RANGES, GENDER_OPTIONS, parseTags, SCENARIO_QUESTION, validateApplication } from '../form-rules'
import { pickImageBase64 } from '../pick-file'
import { fetchMyApplication, resubmitApplication, submitApplication, uploadFile, type ApplicationForm } from '../vetting-api'
import '../apply.scss'

const EMPTY: ApplicationForm = {
  alias: '', gender: 'UNDISCLOSED', ageRange: '', intro: '', topics: [], tags: [], experience: '',
  certificateFileIds: [], realName: '', idNumber: '', scenarioAnswer: '',
}

/** The application form (first submission, or a resubmission with `?id=` after changes were requested). */
export default function ApplyForm() {
  const { params } = useRouter()
  const editId = params.id ? decodeURIComponent(params.id) : null
  const [form, setForm] = useState<ApplicationForm>(EMPTY)
  const [tagsText, setTagsText] = useState('')
  const [previews, setPreviews] = useState<string[]>([])
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)
  const [loaded, setLoaded] = useState(!editId)
  const [reason, setReason] = useState<string | null>(null)

  useDidShow(() => {
    if (!editId || loaded) return
    fetchMyApplication().then((app) => {
      if (app && app.id === editId) {
        setForm({ ...EMPTY, alias: app.alias, gender: app.gender, ageRange: app.ageRange, intro: app.intro, topics: app.topics, tags: app.tags, experience: app.experience, certificateFileIds: app.certificateFileIds, voiceIntroFileId: app.voiceIntroFileId ?? undefined, scenarioAnswer: app.scenarioAnswer })
        setTagsText(app.tags.join('，'))
        setReason(app.reason)
      }
      setLoaded(true)
    }).catch(() => setLoaded(true))
  })

  const set = <K extends keyof ApplicationForm>(key: K, value: ApplicationForm[K]) => setForm((f) => ({ ...f, [key]: value }))
  const toggleTopic = (code: string) => set('topics', form.topics.includes(code) ? form.topics.filter((t) => t !== code) : [...form.topics, code])

  async function addCertificate() {
    const picked = await pickImageBase64()
    if (!picked) return
    if (picked.sizeBytes > 5 * 1024 * 1024) {
      Taro.showToast({ title: '图片不能超过 5 MB', icon: 'none' })
      return
    }
    Taro.showLoading({ title: '上传中' })
    try {
      const file = await uploadFile('CERTIFICATE', picked.base64)
      set('certificateFileIds', [...form.certificateFileIds, file.id])
      setPreviews((p) => [...p, picked.previewPath])
    } catch (err) {
      Taro.showToast({ title: err instanceof ApiError ? err.message : '上传失败', icon: 'none' })
    } finally {
      Taro.hideLoading()
    }
  }

  async function submit() {
    if (busy) return
    const data: ApplicationForm = { ...form, tags: parseTags(tagsText), idNumber: form.idNumber.trim().toUpperCase() }
    const found = validateApplication(data)
    setErrors(found)
    if (Object.keys(found).length) {
      Taro.showToast({ title: Object.values(found)[0], icon: 'none' })
      return
    }
    setBusy(true)
    try {
      if (editId) await resubmitApplication(editId, data)
      else await submitApplication(data)
      Taro.showToast({ title: '已提交', icon: 'success' })
      Taro.redirectTo({ url: '/packages/apply/index' })
    } catch (err) {
      if (err instanceof ApiError && err.details?.length) setErrors(Object.fromEntries(err.details.map((d) => [d.field, d.problem])))
      Taro.showToast({ title: errorMessage(err), icon: 'none' })
    } finally {
      setBusy(false)
    }
  }

  if (!loaded) return <View className='apply apply__center'><Text className='apply__muted'>加载中…</Text></View>
  const err = (k: string) => (errors[k] ? <Text className='apply__error' data-field={k}>{errors[k]}</Text> : null)
  return (
    <View className='apply apply-form'>
      {reason && <View className='apply__card'><Text className='apply__text'>审核意见：{reason}</Text></View>}
      <View className='apply__card'>
        <Text className='apply__label'>倾听者昵称</Text>
        <Input className='apply__input apply-alias' value={form.alias} maxlength={16} placeholder='2–16 个字' onInput={(e) => set('alias', e.detail.value)} />
        {err('alias')}
        <Text className='apply__label'>性别</Text>
        <View className='apply__chips'>
          {GENDER_OPTIONS.map((g) => <Text key={g.value} className={`apply__chip apply-gender${form.gender === g.value ? ' apply__chip--on' : ''}`} data-value={g.value} onClick={() => set('gender', g.value)}>{g.label}</Text>)}
        </View>
        <Text className='apply__label'>年龄段</Text>
        <View className='apply__chips'>
          {AGE_RANGES.map((a) => <Text key={a} className={`apply__chip apply-age${form.ageRange === a ? ' apply__chip--on' : ''}`} data-value={a} onClick={() => set('ageRange', a)}>{a}</Text>)}
        </View>
        {err('ageRange')}
      </View>
      <View className='apply__card'>
        <Text className='apply__label'>擅长话题（1–5 个）</Text>
        <View className='apply__chips'>
          {TOPICS.map((t) => <Text key={t.code} className={`apply__chip apply-topic${form.topics.includes(t.code) ? ' apply__chip--on' : ''}`} data-topic={t.code} onClick={() => toggleTopic(t.code)}>{t.label}</Text>)}
        </View>
        {err('topics')}
        <Text className='apply__label'>个人介绍（50–1000 字）</Text>
        <Textarea className='apply__textarea apply-intro' value={form.intro} maxlength={1000} placeholder='介绍你自己，以及你能给倾诉者带来什么' onInput={(e) => set('intro', e.detail.value)} />
        {err('intro')}
        <Text className='apply__label'>经历标签（最多 8 个，用逗号分隔）</Text>
        <Input className='apply__input apply-tags' value={tagsText} placeholder='如：失业重启，异地恋' onInput={(e) => setTagsText(e.detail.value)} />
        {err('tags')}
        <Text className='apply__label'>你带来的人生经历</Text>
        <Textarea className='apply__textarea apply-experience' value={form.experience} maxlength={1000} onInput={(e) => set('experience', e.detail.value)} />
        {err('experience')}
      </View>
      <View className='apply__card'>
        <Text className='apply__label'>资质证书（可选，如心理咨询师证书）</Text>
        <View className='apply__thumbs'>
          {previews.map((p) => <Image key={p} className='apply__thumb' src={p} mode='aspectFill' />)}
          {form.certificateFileIds.length < 5 && <View className='apply__thumb apply__center apply-add-certificate' onClick={() => void addCertificate()}><Text>＋</Text></View>}
        </View>
        <Text className='apply__muted'>已上传 {form.certificateFileIds.length} 张。提交证书需两位审核员复核。</Text>
        {err('certificateFileIds')}
      </View>
      <View className='apply__card'>
        <Text className='apply__label'>实名认证（仅用于审核，加密保存）</Text>
        <Input className='apply__input apply-real-name' value={form.realName} placeholder='真实姓名' onInput={(e) => set('realName', e.detail.value)} />
        {err('realName')}
        <Input className='apply__input apply-id-number' value={form.idNumber} maxlength={18} placeholder='18 位身份证号' onInput={(e) => set('idNumber', e.detail.value)} />
        {err('idNumber')}
      </View>
      <View className='apply__card'>
        <Text className='apply__label'>{SCENARIO_QUESTION}</Text>
        <Textarea className='apply__textarea apply-scenario' value={form.scenarioAnswer} maxlength={1000} placeholder='至少 30 字' onInput={(e) => set('scenarioAnswer', e.detail.value)} />
        {err('scenarioAnswer')}
      </View>
      <View className={`apply__button apply-submit${busy ? ' apply__button--disabled' : ''}`} onClick={() => void submit()}>{busy ? '提交中…' : editId ? '重新提交' : '提交申请'}</View>
    </View>
  )
}
