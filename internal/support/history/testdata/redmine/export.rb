# Exports the project's issues through Redmine's own web stack (routing,
# IssuesController#index, QueriesHelper#query_to_csv) in-process.
s = ActionDispatch::Integration::Session.new(Rails.application)
s.host! 'localhost'
key = File.read('/tmp/rm/apikey')
cols = %w[project tracker description status priority subject author assigned_to category created_on updated_on closed_on cf_1 cf_2]
q = 'set_filter=1&f[]=status_id&op[status_id]=*&' + cols.map { |c| "c[]=#{c}" }.join('&') + '&c[]=last_notes&encoding=' + ARGV[0]
s.get '/projects/support-tul/issues.csv?' + q, headers: { 'X-Redmine-API-Key' => key }
puts s.response.status
File.binwrite(ARGV[1], s.response.body)
