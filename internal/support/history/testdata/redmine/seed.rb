# Seeds a Redmine 5 with a support-centre project for Cifra's importer test.
Project.where(identifier: 'support-tul').each(&:destroy); IssueCustomField.where(name: ['МО', 'Система']).destroy_all; User.where(login: 'agent').destroy_all
Setting.rest_api_enabled = '1'
Setting.default_language = 'ru'
admin = User.find_by(login: 'admin')
admin.update_columns(language: 'ru', must_change_passwd: false)
key = admin.api_key
File.write('/tmp/rm/apikey', key)
p = Project.create!(name: 'Центр поддержки МИС Тульской области', identifier: 'support-tul', is_public: false)
p.trackers = Tracker.all
p.enabled_module_names = %w[issue_tracking]
p.save!
mo = IssueCustomField.create!(name: 'МО', field_format: 'string', is_for_all: true, trackers: Tracker.all)
sys = IssueCustomField.create!(name: 'Система', field_format: 'string', is_for_all: true, trackers: Tracker.all)
%w[МИС ЭМД Запись\ на\ приём].each { |c| IssueCategory.create!(project: p, name: c) }
agent = User.new(firstname: 'Пётр', lastname: 'Агентов', mail: 'agent@example.ru', language: 'ru')
agent.login = 'agent'; agent.password = 'Secret-pass-123'; agent.admin = true; agent.save!
Member.create!(project: p, principal: agent, role_ids: [Role.find_by(name: 'Менеджер').id])
st = ->(n) { IssueStatus.find_by!(name: n) }
pr = ->(n) { IssuePriority.find_by!(name: n) }
rows = [
  ['Ошибка', 'Не открывается расписание врачей', 'MO-TUL-1', 'mis-tul-1', 'Запись на приём', 'Срочный', 'Закрыта', '2025-01-13 09:12', '2025-01-13 11:40', "С утра ошибка 500;\nпациенты не могут записаться"],
  ['Поддержка', 'Выдать доступ к АРМ врача', 'MO-TUL-2', 'mis-tul-2', 'МИС', 'Нормальный', 'Решена', '2025-01-20 14:03', '2025-01-21 10:00', 'Новый терапевт, "Иванова А. А."'],
  ['Ошибка', 'ЭМД не уходят в РЭМД', 'MO-TUL-1', 'remd-tul', 'ЭМД', 'Высокий', 'В работе', '2025-02-03 10:30', nil, 'Статус «ошибка подписи» у 40 документов'],
  ['Ошибка', 'Дубль заявки про расписание', 'MO-TUL-1', 'mis-tul-1', 'Запись на приём', 'Нормальный', 'Отклонена', '2025-01-13 09:30', '2025-01-13 09:45', ''],
  ['Поддержка', 'Настроить печать направлений', 'MO-TUL-3', '', 'МИС', 'Низкий', 'Новая', '2025-03-28 16:55', nil, 'Принтер Kyocera'],
]
rows.each do |tr, subj, ou, sy, cat, prio, status, created, closed, desc|
  i = Issue.new(project: p, tracker: Tracker.find_by!(name: tr), author: admin, subject: subj, description: desc,
                priority: pr.(prio), category: IssueCategory.find_by!(project: p, name: cat), assigned_to: agent)
  i.custom_field_values = { mo.id => ou, sys.id => sy }
  i.save!
  if status != 'Новая'
    i.reload; i.init_journal(agent, 'Взята в работу')
    i.status = st.('В работе'); i.save!
  end
  if status != 'Новая' && status != 'В работе'
    i.reload; i.init_journal(agent, 'Готово')
    i.status = st.(status); i.save!
  end
  i.update_columns(created_on: Time.parse(created + ' +0300').utc, updated_on: Time.parse((closed || created) + ' +0300').utc,
                   closed_on: closed && (st.(status).is_closed ? Time.parse(closed + ' +0300').utc : nil))
end
puts Issue.count
