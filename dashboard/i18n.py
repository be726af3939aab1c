"""Every user-facing string of the dashboard, in Brazilian Portuguese (default) and English.

``t(key, **values)`` returns the text in the language chosen in the sidebar. Messages that come
from the library (typed errors, data-quality warnings) are already Portuguese and are shown as
they are. A test checks that every key used by the pages exists here in both languages.
"""

from __future__ import annotations

from typing import Any, Final

LANG_KEY: Final = "sidebar_lang"
LANGUAGES: Final = {"pt": "Português", "en": "English"}
DEFAULT_LANGUAGE: Final = "pt"

# key: (pt-BR, English)
CATALOG: Final[dict[str, tuple[str, str]]] = {
    # app, navigation, sidebar
    "app.title": ("Passos Mágicos · Alerta de defasagem", "Passos Mágicos · Lagging early warning"),
    "nav.inicio": ("Início", "Home"),
    "nav.dados": ("Dados", "Data"),
    "nav.drift": ("Drift", "Drift"),
    "nav.experimentos": ("Experimentos", "Experiments"),
    "nav.modelos": ("Modelos", "Models"),
    "nav.risco": ("Risco", "Risk list"),
    "nav.aluno": ("Aluno", "Student"),
    "nav.acompanhamento": ("Acompanhamento", "Follow-up"),
    "nav.contas": ("Contas", "Accounts"),
    "nav.section_data": ("Dados", "Data"),
    "nav.section_models": ("Modelos", "Models"),
    "nav.section_students": ("Alunos", "Students"),
    "nav.section_admin": ("Administração", "Administration"),
    "sidebar.language": ("Idioma / Language", "Idioma / Language"),
    "sidebar.signed_in_as": (
        "Conectado como **{user}** ({role})",
        "Signed in as **{user}** ({role})",
    ),
    "sidebar.sign_out": ("Sair", "Sign out"),
    "role.coordenador": ("coordenação", "coordinator"),
    "role.admin": ("administração", "administrator"),
    # sign-in
    "signin.title": ("Entrar", "Sign in"),
    "signin.subtitle": (
        "Painel de alerta de defasagem da Passos Mágicos. Entre com sua conta.",
        "Passos Mágicos lagging early-warning dashboard. Sign in with your account.",
    ),
    "signin.username": ("Usuário", "Username"),
    "signin.password": ("Senha", "Password"),
    "signin.submit": ("Entrar", "Sign in"),
    "signin.failed": (
        "Usuário ou senha incorretos. Confira e tente de novo; se esqueceu a senha, peça a "
        "quem administra o painel para redefini-la.",
        "Wrong username or password. Check and try again; if you forgot it, ask an "
        "administrator to reset it.",
    ),
    "signin.first_start_hint": (
        "Primeiro acesso: o usuário é 'admin' e a senha é a definida em PASSOS_ADMIN_PASSWORD "
        "(ou a mostrada uma única vez no terminal que iniciou o painel).",
        "First start: the user is 'admin' and the password is the one in PASSOS_ADMIN_PASSWORD "
        "(or the one printed once in the terminal that started the dashboard).",
    ),
    "signin.oidc_button": ("Entrar com a conta da organização", "Sign in with your organisation"),
    # accounts
    "auth.password_short": (
        "A senha precisa ter ao menos 8 caracteres.",
        "The password needs at least 8 characters.",
    ),
    "auth.username_invalid": (
        "Use só letras, números, ponto, hífen ou sublinhado no nome de usuário.",
        "Use only letters, digits, dot, hyphen or underscore in the username.",
    ),
    "auth.username_taken": ("Esse usuário já existe. Escolha outro nome.", "That user exists."),
    "auth.role_invalid": ("Papel desconhecido.", "Unknown role."),
    "auth.cannot_disable_self": (
        "Você não pode desativar a própria conta.",
        "You cannot disable your own account.",
    ),
    "auth.cannot_demote_self": (
        "Você não pode tirar o papel de administração da própria conta.",
        "You cannot remove the administrator role from your own account.",
    ),
    "contas.title": ("Contas e registro de ações", "Accounts and audit log"),
    "contas.username": ("Usuário", "Username"),
    "contas.role": ("Papel", "Role"),
    "contas.active": ("Ativa", "Active"),
    "contas.last_login": ("Último acesso", "Last sign-in"),
    "contas.new_title": ("Nova conta", "New account"),
    "contas.create": ("Criar conta", "Create account"),
    "contas.created": ("Conta '{user}' criada.", "Account '{user}' created."),
    "contas.edit_title": ("Alterar conta", "Change account"),
    "contas.new_password": (
        "Nova senha (deixe em branco para manter)",
        "New password (leave empty to keep)",
    ),
    "contas.save": ("Salvar", "Save"),
    "contas.saved": ("Conta '{user}' atualizada.", "Account '{user}' updated."),
    "contas.audit_title": ("Registro de ações", "Audit log"),
    "contas.audit_empty": ("Nenhuma ação registrada ainda.", "No action recorded yet."),
    "contas.action": ("Ação", "Action"),
    "contas.detail": ("Detalhe", "Detail"),
    "action.upload": ("envio de planilha", "upload"),
    "action.export": ("exportação da lista", "list export"),
    "action.promote": ("promoção de modelo", "model promotion"),
    "action.override": ("promoção com exceção", "promotion override"),
    "action.rollback": ("reversão de modelo", "model rollback"),
    "action.revert": ("reversão de modelo", "model rollback"),
    "action.train": ("treino de modelos", "model training"),
    "action.accept_copy": ("ano aceito", "year accepted"),
    "action.account": ("conta alterada", "account change"),
    "action.sign_in": ("entrada no painel", "sign-in"),
    "action.view_student": ("aluno aberto", "student opened"),
    "action.export_student": ("dados do aluno exportados", "student data exported"),
    "action.erase": ("aluno apagado (LGPD)", "student erased (LGPD)"),
    "action.retention": ("retenção aplicada", "retention applied"),
    "privacy.erase_title": (
        "Apagar os dados deste aluno (LGPD)",
        "Erase this student's data (LGPD)",
    ),
    "privacy.erase_warning": (
        "Remove o aluno de todas as planilhas guardadas, camadas, predições, quarentena e "
        "registros. Não pode ser desfeito. Fica registrado quem apagou, quando e por quê.",
        "Removes the student from every stored workbook, layer, prediction, quarantine and "
        "record. It cannot be undone. Who erased, when and why is recorded.",
    ),
    "privacy.erase_reason": (
        "Motivo (ex.: pedido do responsável)",
        "Reason (e.g. guardian's request)",
    ),
    "privacy.erase_confirm": ("Digite {ra} para confirmar", "Type {ra} to confirm"),
    "privacy.erase_button": ("Apagar definitivamente", "Erase permanently"),
    "privacy.erase_mismatch": (
        "O RA digitado não confere. Digite {ra} para confirmar.",
        "The RA typed does not match. Type {ra} to confirm.",
    ),
    "privacy.erased": (
        "Aluno apagado: {files} arquivos reescritos, {rows} linhas apagadas.",
        "Student erased: {files} files rewritten, {rows} rows deleted.",
    ),
    "privacy.access_title": ("Registro de acesso a dados de alunos", "Access log of student data"),
    "privacy.access_caption": (
        "Quem abriu cada aluno e quem exportou listas. Guardado por {days} dias; demais "
        "registros por {audit_days} dias (passos retention apply). {lists}",
        "Who opened each student and who exported lists. Kept {days} days; other records "
        "{audit_days} days (passos retention apply). {lists}",
    ),
    "privacy.lists_kept": (
        "Listas de risco: as dos {years} anos mais recentes.",
        "Risk lists: those of the {years} most recent years.",
    ),
    "privacy.lists_forever": (
        "Listas de risco: guardadas sem prazo.",
        "Risk lists: kept with no limit.",
    ),
    "privacy.access_empty": ("Nenhum acesso registrado ainda.", "No access recorded yet."),
    "privacy.subject": ("Aluno ou lista", "Student or list"),
    "privacy.list_subject": ("lista de {year} ({fmt})", "{year} list ({fmt})"),
    # common
    "common.unexpected_error": (
        "Algo deu errado ao montar esta página. Nada foi alterado. Recarregue a página; se o "
        "problema continuar, avise quem administra o painel (o detalhe técnico ficou no registro "
        "do servidor).",
        "Something went wrong while building this page. Nothing was changed. Reload the page; "
        "if it persists, tell the administrator (the technical detail is in the server log).",
    ),
    "common.admin_only": (
        "Só a administração pode usar esta página.",
        "Only administrators can use this page.",
    ),
    # classes, columns, axes
    "class.critical": ("Crítico", "Critical"),
    "class.alert": ("Alerta", "Alert"),
    "class.expected": ("Esperado", "Expected"),
    "col.ano": ("Ano", "Year"),
    "col.ra": ("RA", "RA"),
    "col.nome": ("Nome", "Name"),
    "col.fase": ("Fase", "Phase"),
    "col.turma": ("Turma", "Class"),
    "col.instituicao": ("Instituição", "School type"),
    "col.pedra": ("Pedra", "Pedra"),
    "col.escola": ("Escola", "School"),
    "col.classe": ("Classe prevista", "Predicted class"),
    "col.rank": ("Posição", "Rank"),
    "col.p_critical": ("Prob. Crítico", "P(Critical)"),
    "col.p_alert": ("Prob. Alerta", "P(Alert)"),
    "col.reason_1": ("Motivo 1", "Reason 1"),
    "col.reason_2": ("Motivo 2", "Reason 2"),
    "col.reason_3": ("Motivo 3", "Reason 3"),
    "col.file": ("Arquivo", "File"),
    "col.sheet": ("Aba", "Sheet"),
    "col.source_row": ("Linha na planilha", "Spreadsheet row"),
    "col.reason": ("Motivo", "Reason"),
    "col.rows_read": ("Linhas lidas", "Rows read"),
    "col.rows_kept": ("Linhas aproveitadas", "Rows kept"),
    "col.rows_quarantined": ("Em quarentena", "Quarantined"),
    "col.hash": ("Impressão digital", "Content hash"),
    "col.who": ("Quem", "Who"),
    "col.when": ("Quando", "When"),
    "col.current": ("Em uso", "Current"),
    "layer.bronze": ("Lidas (bronze)", "Read (bronze)"),
    "layer.silver": ("Aproveitadas (silver)", "Kept (silver)"),
    "layer.quarantine": ("Quarentena", "Quarantine"),
    "layer.gold": ("Alunos no ano (gold)", "Students in year (gold)"),
    "instituicao.publica": ("Pública", "Public"),
    "instituicao.privada": ("Privada", "Private"),
    "instituicao.privada_apadrinhamento": ("Privada (apadrinhamento)", "Private (sponsored)"),
    "instituicao.privada_bolsa": ("Privada (bolsa)", "Private (scholarship)"),
    "instituicao.privada_empresa": ("Privada (empresa parceira)", "Private (partner company)"),
    "instituicao.rede_decisao": ("Rede Decisão", "Rede Decisão"),
    "instituicao.concluiu_em": ("Concluiu o ensino médio", "Finished high school"),
    "instituicao.universitario": ("Universitário", "University"),
    "instituicao.outra": ("Outra", "Other"),
    "axis.year": ("Ano", "Year"),
    "axis.fase": ("Fase", "Phase"),
    "axis.students": ("Alunos", "Students"),
    "axis.class": ("Classe", "Class"),
    "axis.column": ("Coluna", "Column"),
    "axis.drift_score": ("Distância (score de drift)", "Distance (drift score)"),
    "axis.drift_share": ("Colunas com drift", "Drifted columns"),
    "axis.share_students": ("Parcela dos alunos", "Share of students"),
    "axis.score": ("Nota (0 a 10)", "Score (0 to 10)"),
    "axis.indicator": ("Indicador", "Indicator"),
    "axis.defasagem": ("Defasagem (anos)", "Lag (years)"),
    "axis.metric": ("Métrica", "Metric"),
    "axis.value": ("Valor", "Value"),
    "axis.predicted": ("Classe prevista", "Predicted class"),
    "axis.real": ("Classe real", "Actual class"),
    "axis.k": ("Tamanho da lista (k alunos)", "List size (k students)"),
    "axis.precision": ("Precisão na lista", "Precision in the list"),
    "axis.predicted_risk": ("Risco previsto", "Predicted risk"),
    "axis.observed_share": ("Parcela que realmente defasou", "Share that really lagged"),
    "metric.macro_f1": ("F1 macro", "Macro F1"),
    "metric.accuracy": ("Acurácia", "Accuracy"),
    "metric.recall_critical": ("Recall Crítico", "Critical recall"),
    "metric.precision_critical": ("Precisão Crítico", "Critical precision"),
    "metric.recall_alert": ("Recall Alerta", "Alert recall"),
    "metric.precision_alert": ("Precisão Alerta", "Alert precision"),
    "metric.recall_expected": ("Recall Esperado", "Expected recall"),
    "metric.precision_expected": ("Precisão Esperado", "Expected precision"),
    "metric.precision_at_25": ("Precisão top-25", "Precision top-25"),
    "metric.precision_at_50": ("Precisão top-50", "Precision top-50"),
    "metric.precision_at_100": ("Precisão top-100", "Precision top-100"),
    "metric.recall_critical_at_100": ("Críticos achados no top-100", "Critical found in top-100"),
    "metric.brier": ("Brier (menor é melhor)", "Brier (lower is better)"),
    "metric.baseline_macro_f1": ("F1 macro da persistência", "Persistence macro F1"),
    "metric.rule_macro_f1": ("F1 macro da regra da fase", "Phase-rule macro F1"),
    "metric.cv_macro_f1": (
        "F1 macro na validação dos anos de treino",
        "Macro F1 in the training-years validation",
    ),
    "metric.macro_f1_seed_mean": ("F1 macro, média das sementes", "Macro F1, mean over seeds"),
    "metric.macro_f1_seed_sd": ("F1 macro, desvio entre sementes", "Macro F1, sd over seeds"),
    "metric.ece_critical": (
        "Erro de calibração P(Crítico) (menor é melhor)",
        "Calibration error P(Critical) (lower is better)",
    ),
    "metric.ece_at_risk": (
        "Erro de calibração do risco (menor é melhor)",
        "Risk calibration error (lower is better)",
    ),
    # paired comparisons (95% bootstrap interval of the difference on the same students)
    "cmp.same": (
        "{a} e {b} não se distinguem em {metric}: diferença {delta} (IC 95% {low} a {high}, "
        "inclui 0 — pode ser acaso).",
        "{a} and {b} cannot be told apart on {metric}: difference {delta} (95% CI {low} to "
        "{high}, includes 0 — could be chance).",
    ),
    "cmp.better": (
        "{a} é melhor que {b} em {metric}: diferença {delta} (IC 95% {low} a {high}).",
        "{a} is better than {b} on {metric}: difference {delta} (95% CI {low} to {high}).",
    ),
    "cmp.worse": (
        "{a} é pior que {b} em {metric}: diferença {delta} (IC 95% {low} a {high}).",
        "{a} is worse than {b} on {metric}: difference {delta} (95% CI {low} to {high}).",
    ),
    "cmp.ci_col": ("{metric} (IC 95%)", "{metric} (95% CI)"),
    "metric_help.macro_f1": (
        "Média do F1 das três classes no ano de teste (validação temporal).",
        "Mean F1 of the three classes on the temporal test year.",
    ),
    "metric_help.recall_critical": (
        "De cada 100 alunos que ficaram Críticos, quantos o modelo apontou.",
        "Out of 100 students who became Critical, how many the model flagged.",
    ),
    "metric_help.precision_at_100": (
        "Dos 100 primeiros da lista, quantos realmente ficaram Críticos ou em Alerta.",
        "Of the first 100 in the list, how many really became Critical or Alert.",
    ),
    "metric_help.brier": (
        "Erro das probabilidades (0 = perfeito).",
        "Error of the probabilities (0 = perfect).",
    ),
    "run_status.success": ("concluída", "succeeded"),
    "run_status.failed": ("falhou", "failed"),
    "alias.production": ("produção", "production"),
    "alias.previous": ("anterior", "previous"),
    # Início
    "inicio.title": ("Visão geral", "Overview"),
    "inicio.students": ("Alunos em {year}", "Students in {year}"),
    "inicio.model": ("Modelo em produção", "Production model"),
    "inicio.next_upload": (
        "Ainda não há dados. Envie a planilha do PEDE na página **Dados**.",
        "No data yet. Upload the PEDE spreadsheet on the **Data** page.",
    ),
    "inicio.next_model": (
        "Nenhum modelo em produção: treine e promova na página **Modelos** "
        "(o treino fica em **Experimentos**).",
        "No model in production: train and promote on the **Models** page "
        "(training is on **Experiments**).",
    ),
    "inicio.nobody_flagged": (
        "Nenhum aluno foi classificado como Crítico ou Alerta.",
        "No student was classified as Critical or Alert.",
    ),
    "inicio.chart_by_phase": (
        "Alunos em Crítico e Alerta por fase",
        "Critical and Alert students by phase",
    ),
    "inicio.model_title": (
        "Modelo em produção: versão {version}",
        "Production model: version {version}",
    ),
    "inicio.model_no_metrics": (
        "As métricas deste modelo não puderam ser lidas do registro (MLflow).",
        "The metrics of this model could not be read from the registry (MLflow).",
    ),
    "inicio.vs_baseline": (
        "Para comparar: repetir a classe deste ano (persistência) tem F1 macro {value}.",
        "For comparison: repeating this year's class (persistence) has macro F1 {value}.",
    ),
    "inicio.pipeline_title": ("Dados e processamento", "Data and processing"),
    "inicio.years_loaded": ("Anos carregados: {years}", "Years loaded: {years}"),
    "inicio.last_run": (
        "Último processamento: {when}, por {who} ({status}).",
        "Last processing: {when}, by {who} ({status}).",
    ),
    "inicio.drift_pending": (
        "O relatório de drift de {year} está em preparo. Veja na página **Drift**.",
        "The drift report for {year} is being prepared. See the **Drift** page.",
    ),
    "inicio.drift_failed": (
        "O relatório de drift de {year} falhou. Abra a página **Drift** para tentar de novo.",
        "The drift report for {year} failed. Open the **Drift** page to retry.",
    ),
    "inicio.drift_verdict": (
        "Drift de {year}: {share} das colunas mudaram ({verdict}).",
        "Drift for {year}: {share} of the columns changed ({verdict}).",
    ),
    # Dados
    "dados.title": ("Dados do PEDE", "PEDE data"),
    "dados.limit": (
        "Envie arquivos .xlsx, .xls ou .csv de até {mb} MB cada. Antes de gravar qualquer "
        "coisa, o painel mostra o que vai acontecer com cada arquivo.",
        "Upload .xlsx, .xls or .csv files of up to {mb} MB each. Before anything is written, "
        "the dashboard shows what will happen to each file.",
    ),
    "dados.uploader": ("Planilhas do PEDE", "PEDE spreadsheets"),
    "dados.uploader_help": (
        "Uma planilha pode ter vários anos (uma aba por ano) ou um só.",
        "A workbook may hold several years (one sheet each) or one.",
    ),
    "dados.year_select": (
        "Ano dos dados de '{name}'",
        "Year of the data in '{name}'",
    ),
    "dados.year_placeholder": ("Escolha o ano", "Choose the year"),
    "dados.preview_header": ("{name} ({size} MB)", "{name} ({size} MB)"),
    "dados.already_ingested": (
        "Este arquivo já foi carregado antes (mesmo conteúdo): nada a fazer.",
        "This file was already loaded (same content): nothing to do.",
    ),
    "dados.sheet_line": (
        "Aba **{sheet}** → ano **{year}**: {rows} linhas, {kept} aproveitadas, "
        "{quarantined} em quarentena.",
        "Sheet **{sheet}** → year **{year}**: {rows} rows, {kept} kept, {quarantined} quarantined.",
    ),
    "dados.mapping_title": (
        "Como as colunas da aba '{sheet}' foram reconhecidas",
        "How the columns of sheet '{sheet}' were mapped",
    ),
    "dados.col_standard": ("Campo do painel", "Dashboard field"),
    "dados.col_source": ("Coluna na planilha", "Spreadsheet column"),
    "dados.not_found": ("(não encontrada)", "(not found)"),
    "dados.ignored": ("Colunas não usadas: {headers}", "Columns not used: {headers}"),
    "dados.quarantine_title": (
        "{n} linhas vão para a quarentena (e por quê)",
        "{n} rows will be quarantined (and why)",
    ),
    "dados.replace_warning": (
        "O(s) ano(s) {years} já foram carregados. Processar vai substituí-los (a versão "
        "anterior fica guardada no arquivo morto).",
        "Year(s) {years} are already loaded. Processing replaces them (the previous version "
        "is kept in the archive).",
    ),
    "dados.replace_confirm": (
        "Sim, substituir os dados de {years}",
        "Yes, replace the data of {years}",
    ),
    "dados.fix_errors": (
        "Há arquivo com problema (veja acima). Corrija a planilha ou remova o arquivo da lista "
        "para continuar. Nada foi gravado.",
        "A file has a problem (see above). Fix the spreadsheet or remove the file to continue. "
        "Nothing was written.",
    ),
    "dados.nothing_new": (
        "Nada novo para processar nestes arquivos.",
        "Nothing new to process in these files.",
    ),
    "dados.process": ("Processar", "Process"),
    "dados.processing": ("Processando os dados…", "Processing the data…"),
    "dados.stage_start": ("Começando", "Starting"),
    "dados.stage_drift": (
        "Preparando o relatório de drift (pode levar alguns segundos)",
        "Preparing the drift report (may take a few seconds)",
    ),
    "dados.stage_scoring": (
        "Calculando o risco dos alunos com o modelo em produção",
        "Scoring the students with the production model",
    ),
    "dados.stage_done": ("Pronto", "Done"),
    "dados.done": ("Processamento concluído", "Processing finished"),
    "dados.failed": ("O processamento não foi feito", "Processing was not done"),
    "dados.drift_later": (
        "Os dados foram publicados, mas o relatório de drift não pôde ser preparado agora. "
        "Tente de novo na página Drift.",
        "The data was published but the drift report could not be prepared now. Retry on "
        "the Drift page.",
    ),
    "dados.summary_title": ("Dados carregados com sucesso.", "Data loaded successfully."),
    "dados.skipped": (
        "'{name}' já tinha sido carregado (mesmo conteúdo) e foi ignorado.",
        "'{name}' was already loaded (same content) and was skipped.",
    ),
    "dados.download_quarantine": (
        "Baixar as {n} linhas em quarentena, com o motivo (CSV)",
        "Download the {n} quarantined rows with reasons (CSV)",
    ),
    "dados.summary_close": ("Fechar resumo", "Close summary"),
    "dados.accept_copy": (
        "Aceitar {year} como dado verdadeiro (as transições entram no treino)",
        "Accept {year} as genuine data (its transitions enter training)",
    ),
    "dados.history_title": ("Histórico de arquivos carregados", "History of loaded files"),
    "dados.history_empty": (
        "Nenhum arquivo carregado ainda. Envie a planilha do PEDE acima.",
        "No file loaded yet. Upload the PEDE spreadsheet above.",
    ),
    # Drift
    "drift.title": ("Drift: os dados mudaram?", "Drift: did the data change?"),
    "drift.intro": (
        "Cada ano novo é comparado com os anteriores, coluna por coluna (Wasserstein para "
        "números, Jensen-Shannon para categorias). Muito drift pede cautela com o modelo.",
        "Each new year is compared with the earlier ones, column by column (Wasserstein for "
        "numbers, Jensen-Shannon for categories). Much drift calls for care with the model.",
    ),
    "drift.none": (
        "Ainda não há relatório: ele aparece quando um segundo ano é carregado na página Dados.",
        "No report yet: it appears once a second year is loaded on the Data page.",
    ),
    "drift.year": ("Ano", "Year"),
    "drift.pending": (
        "O relatório de {year} está em preparo.",
        "The report for {year} is being prepared.",
    ),
    "drift.finish_now": ("Preparar agora", "Prepare now"),
    "drift.finishing": ("Preparando o relatório…", "Preparing the report…"),
    "drift.failed": (
        "O relatório de {year} falhou. Carregue o ano de novo ou avise a administração.",
        "The report for {year} failed. Load the year again or tell the administrator.",
    ),
    "drift.share": ("Colunas com drift", "Drifted columns"),
    "drift.drifted_columns": ("Colunas que mudaram", "Columns that changed"),
    "drift.verdict": ("Veredito", "Verdict"),
    "drift.verdict_yes": ("mudança relevante", "relevant change"),
    "drift.verdict_no": ("sem mudança relevante", "no relevant change"),
    "drift.reference": (
        "{year} comparado com: {refs}.",
        "{year} compared with: {refs}.",
    ),
    "drift.columns_title": ("Por coluna", "Per column"),
    "drift.col_column": ("Coluna", "Column"),
    "drift.col_method": ("Método", "Method"),
    "drift.col_score": ("Score", "Score"),
    "drift.col_threshold": ("Limite", "Threshold"),
    "drift.col_drifted": ("Mudou", "Drifted"),
    "drift.drifted": ("mudou", "drifted"),
    "drift.stable": ("estável", "stable"),
    "drift.chart_scores": ("Distância de cada coluna em {year}", "Distance per column in {year}"),
    "drift.report_title": ("Relatório completo (Evidently)", "Full report (Evidently)"),
    "drift.trend_title": ("Drift ao longo dos anos", "Drift over the years"),
    "drift.mix_title": ("Mistura de classes por ano", "Class mix by year"),
    "drift.mix_observed": ("Classe atual (observada)", "Current class (observed)"),
    "drift.mix_predicted": ("Classe prevista", "Predicted class"),
    "drift.mix_caption": (
        "A previsão feita sobre um ano aparece no ano seguinte, que é o ano que ela prevê.",
        "A prediction made on a year is shown on the next year, the one it predicts.",
    ),
    # Experimentos
    "exp.title": ("Experimentos (MLflow)", "Experiments (MLflow)"),
    "exp.none": (
        "Nenhum treino registrado ainda. A administração pode treinar os modelos acima "
        "(ou rodar 'passos train --all').",
        "No training run yet. An administrator can train the models above "
        "(or run 'passos train --all').",
    ),
    "exp.mlflow_ui": ("Abrir o MLflow", "Open MLflow"),
    "exp.preset": ("Configuração", "Preset"),
    "exp.estimator": ("Algoritmo", "Estimator"),
    "exp.test_year": ("Ano de teste", "Test year"),
    "exp.version": ("Versão", "Version"),
    "exp.run": ("Execução", "Run"),
    "exp.compare": ("Compare execuções (duas ou mais)", "Compare runs (two or more)"),
    "exp.pick_two": ("Escolha ao menos duas execuções.", "Pick at least two runs."),
    "exp.not_paired": (
        "{a} e {b} não foram testadas nos mesmos alunos (outro ano de teste ou outros dados): "
        "não dá para compará-las diretamente.",
        "{a} and {b} were not tested on the same students (another test year or other data): "
        "they cannot be compared directly.",
    ),
    "exp.metrics_title": ("Métricas no ano de teste", "Metrics on the test year"),
    "exp.per_class_title": ("Recall e precisão por classe", "Recall and precision per class"),
    "exp.recall": ("Recall", "Recall"),
    "exp.precision": ("Precisão", "Precision"),
    "exp.confusion_title": ("Matrizes de confusão", "Confusion matrices"),
    "exp.topk_title": (
        "Precisão nos primeiros k da lista",
        "Precision in the first k of the list",
    ),
    "exp.calibration_title": ("Calibração por decil de risco", "Calibration by risk decile"),
    "exp.audit_title": ("Auditoria por grupos", "Group audit"),
    "exp.audit_caption": (
        "Taxas de erro por gênero, tipo de escola e faixa de fase; disparidades fora de "
        "0,8–1,25 são marcadas quando os dois grupos têm ao menos 30 alunos.",
        "Error rates by gender, school type and phase band; disparities outside 0.8–1.25 are "
        "flagged when both groups have at least 30 students.",
    ),
    "exp.train_title": ("Treinar modelos (administração)", "Train models (administrators)"),
    "exp.train_presets": ("Configurações", "Presets"),
    "exp.train_button": ("Treinar", "Train"),
    "exp.training_start": ("Preparando o treino", "Preparing training"),
    "exp.training": (
        "Treinando {preset} ({i} de {n})",
        "Training {preset} ({i} of {n})",
    ),
    "exp.training_done": ("Treino concluído", "Training finished"),
    "exp.trained": (
        "{n} configuração(ões) treinada(s). Compare abaixo e promova na página Modelos.",
        "{n} preset(s) trained. Compare below and promote on the Models page.",
    ),
    # Modelos
    "modelos.title": ("Modelos", "Models"),
    "modelos.none": (
        "Nenhum modelo treinado ainda. Treine na página **Experimentos** (administração) "
        "ou com 'passos train --all'.",
        "No model trained yet. Train on the **Experiments** page (administrators) or with "
        "'passos train --all'.",
    ),
    "modelos.no_production": (
        "Nenhum modelo em produção: promova uma versão abaixo para gerar a lista de risco.",
        "No model in production: promote a version below to produce the risk list.",
    ),
    "modelos.version": ("Versão", "Version"),
    "modelos.previous": ("Versão anterior", "Previous version"),
    "modelos.aliases": ("Situação", "Aliases"),
    "modelos.gate": ("Verificação de qualidade", "Quality gate"),
    "modelos.gate_ok": ("aprovada", "passed"),
    "modelos.gate_fail": ("reprovada", "failed"),
    "modelos.challenger": ("Versão candidata", "Challenger version"),
    "modelos.compare_title": (
        "Candidata × produção × persistência",
        "Challenger × production × persistence",
    ),
    "modelos.challenger_label": ("Candidata v{v}", "Challenger v{v}"),
    "modelos.production_label": ("Produção v{v}", "Production v{v}"),
    "modelos.baseline_label": ("Persistência (referência)", "Persistence (baseline)"),
    "modelos.rule_label": ("Regra da fase (referência)", "Phase rule (baseline)"),
    "modelos.candidate_name": ("A candidata v{v}", "Challenger v{v}"),
    "modelos.production_name": ("a produção v{v}", "production v{v}"),
    "modelos.persistence_name": ("a persistência", "persistence"),
    "modelos.rule_name": ("a regra da fase", "the phase rule"),
    "modelos.vs_title": ("Dá para distinguir?", "Can they be told apart?"),
    "modelos.vs_caption": (
        "Diferenças medidas nos mesmos alunos do ano de teste, com intervalo de 95% por "
        "reamostragem pareada. Se o intervalo inclui 0, a diferença pode ser acaso.",
        "Differences measured on the same students of the test year, with a 95% paired "
        "bootstrap interval. If the interval includes 0, the difference could be chance.",
    ),
    "modelos.not_comparable": (
        "A candidata e a produção v{v} foram testadas em alunos diferentes (outro ano de teste "
        "ou outros dados): não dá para compará-las diretamente.",
        "The challenger and production v{v} were tested on different students (another test "
        "year or other data): they cannot be compared directly.",
    ),
    "modelos.gate_passed": (
        "A versão {v} passou na verificação: supera a referência mais forte com ganho claro, "
        "não é pior que a produção e não tem disparidade prejudicial entre grupos.",
        "Version {v} passed the gate: it beats the strongest baseline by a clear margin, is not "
        "worse than production and has no harmful group disparity.",
    ),
    "modelos.gate_failed": (
        "A versão {v} não passou na verificação: {reasons}.",
        "Version {v} failed the gate: {reasons}.",
    ),
    "modelos.scoring_candidate": (
        "Calculando a lista que a candidata faria…",
        "Scoring the list the challenger would make…",
    ),
    "modelos.top_change": (
        "Alunos que saem dos 100 primeiros",
        "Students leaving the top 100",
    ),
    "modelos.top_change_help": (
        "Dos 100 alunos de maior risco hoje, quantos sairiam da lista com a candidata.",
        "Of today's 100 riskiest students, how many would leave the list with the challenger.",
    ),
    "modelos.top_change_failed": (
        "Não foi possível calcular a lista que esta versão faria (veja o registro do servidor).",
        "Could not compute the list this version would make (see the server log).",
    ),
    "modelos.group_audit": ("Auditoria por grupos da versão {v}", "Group audit of version {v}"),
    "modelos.promote_title": ("Promover a versão {v}", "Promote version {v}"),
    "modelos.override_hint": (
        "Esta versão não passou na verificação. Promovê-la mesmo assim fica registrado como "
        "exceção, com o motivo.",
        "This version failed the gate. Promoting it anyway is recorded as an exception, with the "
        "reason.",
    ),
    "modelos.reason_required": (
        "Escreva o motivo para habilitar a promoção (fica registrado com quem e quando).",
        "Write the reason to enable the promotion (recorded with who and when).",
    ),
    "modelos.confirm_title": ("Confirme a promoção da versão {v}", "Confirm promoting version {v}"),
    "modelos.confirm_replaces": (
        "Ao confirmar, a versão {v} passa a gerar a lista de risco no lugar da versão {prod}, "
        "e a lista é recalculada agora.",
        "On confirming, version {v} produces the risk list instead of version {prod}, and the "
        "list is re-scored now.",
    ),
    "modelos.confirm_first": (
        "Ao confirmar, a versão {v} passa a gerar a lista de risco (hoje não há modelo em "
        "produção).",
        "On confirming, version {v} produces the risk list (no model is in production today).",
    ),
    "modelos.confirm_top": (
        "{n} dos 100 alunos de maior risco hoje sairiam da lista.",
        "{n} of today's 100 riskiest students would leave the list.",
    ),
    "modelos.confirm_reason": ("Motivo registrado: {reason}", "Recorded reason: {reason}"),
    "modelos.confirm_button": ("Confirmar promoção", "Confirm promotion"),
    "modelos.cancel_button": ("Cancelar", "Cancel"),
    "modelos.reason": ("Motivo", "Reason"),
    "modelos.reason_placeholder": (
        "Por que esta versão deve ir para produção?",
        "Why should this version go to production?",
    ),
    "modelos.promote_button": ("Promover…", "Promote…"),
    "modelos.override_button": ("Promover mesmo assim…", "Promote anyway…"),
    "modelos.promoting": (
        "Atualizando o modelo e recalculando a lista…",
        "Updating the model and re-scoring the list…",
    ),
    "modelos.promoted": (
        "Versão {v} em produção. A lista de risco já foi recalculada.",
        "Version {v} is in production. The risk list was re-scored.",
    ),
    "modelos.rollback_title": (
        "Reverter para a versão anterior ({v})",
        "Revert to the previous version ({v})",
    ),
    "modelos.rollback_button": ("Reverter", "Revert"),
    "modelos.rolled_back": (
        "Versão {v} de volta em produção.",
        "Version {v} is back in production.",
    ),
    "modelos.audit_title": ("Histórico de promoções", "Promotion history"),
    "modelos.audit_empty": ("Nenhuma promoção ainda.", "No promotion yet."),
    # Risco
    "risco.title": ("Lista de risco", "Risk list"),
    "risco.no_model": (
        "Nenhum modelo em produção: treine e promova na página **Modelos** para ver a lista.",
        "No model in production: train and promote on the **Models** page to see the list.",
    ),
    "risco.no_predictions": (
        "O modelo em produção ainda não pontuou os alunos. Processe os dados de novo na "
        "página Dados ou rode 'passos score'.",
        "The production model has not scored the students yet. Process the data again on the "
        "Data page or run 'passos score'.",
    ),
    "risco.caption": (
        "Alunos de {year} ordenados pelo risco de defasagem em {next_year} (modelo versão "
        "{version}).",
        "Students of {year} ranked by their risk of lagging in {next_year} (model version "
        "{version}).",
    ),
    "risco.classes": ("Classes", "Classes"),
    "risco.filter_all": ("Todas", "All"),
    "risco.capacity": (
        "Quantos alunos a equipe consegue acompanhar?",
        "How many students can the team follow up?",
    ),
    "risco.capacity_all": ("Todos", "All"),
    "risco.capacity_help": (
        "Corta a lista nos primeiros N alunos de maior risco.",
        "Cuts the list at the N riskiest students.",
    ),
    "risco.summary": (
        "**{n}** alunos na lista (**{critical}** Críticos, **{alert}** em Alerta) de {total} "
        "com os filtros.",
        "**{n}** students in the list (**{critical}** Critical, **{alert}** Alert) out of "
        "{total} with the filters.",
    ),
    "risco.empty": (
        "Nenhum aluno com estes filtros.",
        "No student with these filters.",
    ),
    "risco.download_csv": ("Baixar CSV", "Download CSV"),
    "risco.download_xlsx": ("Baixar Excel", "Download Excel"),
    # Aluno
    "aluno.title": ("Aluno", "Student"),
    "aluno.search": ("Buscar aluno pelo RA ou nome", "Find a student by RA or name"),
    "aluno.search_placeholder": ("Digite o RA", "Type the RA"),
    "aluno.pick": (
        "Escolha um aluno para ver o histórico, a previsão e os motivos.",
        "Pick a student to see the history, the prediction and its reasons.",
    ),
    "aluno.not_scored": (
        "Este aluno não está no ano pontuado pelo modelo em produção.",
        "This student is not in the year scored by the production model.",
    ),
    "aluno.prediction_title": ("Previsão para {year}", "Prediction for {year}"),
    "aluno.reasons": ("**Por que este risco:**", "**Why this risk:**"),
    "aluno.history_title": ("Histórico", "History"),
    "aluno.defasagem_chart": (
        "Defasagem por ano (rótulo: Pedra)",
        "Lag by year (label: Pedra)",
    ),
    "aluno.pedra_caption": (
        "Defasagem negativa = anos atrás da fase ideal. Vermelho: Crítico (≤ {critical}), "
        "laranja: Alerta (≤ {alert}), verde: Esperado.",
        "Negative lag = years behind the ideal phase. Red: Critical (≤ {critical}), orange: "
        "Alert (≤ {alert}), green: Expected.",
    ),
    "aluno.phase_title": (
        "Comparado com a Fase {fase} em {year} ({n} alunos)",
        "Compared with Phase {fase} in {year} ({n} students)",
    ),
    "aluno.student": ("Aluno", "Student"),
    "aluno.phase_median": ("Mediana da fase", "Phase median"),
    # Acompanhamento
    "acomp.title": ("Acompanhamento da lista", "List follow-up"),
    "acomp.intro": (
        "Quando chega um ano novo, veja como a lista do ano anterior se saiu: quem ela "
        "apontou e realmente defasou, e quem ela deixou de fora.",
        "When a new year arrives, see how last year's list did: whom it flagged who really "
        "lagged, and whom it missed.",
    ),
    "acomp.none": (
        "Ainda não dá para conferir: é preciso uma lista feita em um ano e os dados do ano "
        "seguinte. Quando a planilha do próximo ano for carregada, o resultado aparece aqui.",
        "Nothing to check yet: it needs a list made on one year and the data of the next "
        "year. When next year's spreadsheet is loaded, the outcome appears here.",
    ),
    "acomp.header": (
        "Lista de {year} (modelo versão {version}) × o que aconteceu em {next_year}",
        "List of {year} (model version {version}) × what happened in {next_year}",
    ),
    "acomp.flagged": ("Apontados (Crítico ou Alerta)", "Flagged (Critical or Alert)"),
    "acomp.really_lagged": ("Realmente defasaram", "Really lagged"),
    "acomp.really_lagged_help": (
        "Entre os apontados que aparecem no ano seguinte.",
        "Among the flagged students who appear in the next year.",
    ),
    "acomp.missed": ("Não apontados que defasaram", "Missed who lagged"),
    "acomp.missed_help": (
        "Alunos que a lista deixou de fora e que ficaram Críticos ou em Alerta.",
        "Students the list left out who became Critical or Alert.",
    ),
    "acomp.not_seen": ("Não aparecem no ano seguinte", "Not in the next year"),
    "acomp.not_seen_help": (
        "Saíram da Passos Mágicos ou não foram avaliados: sem resultado para comparar.",
        "Left Passos Mágicos or were not evaluated: no outcome to compare.",
    ),
    "acomp.matrix_title": ("Previsto × real", "Predicted × actual"),
    "acomp.missed_title": ("Quem a lista deixou de fora ({n})", "Whom the list missed ({n})"),
    "acomp.missed_none": (
        "A lista não deixou ninguém de fora.",
        "The list missed nobody.",
    ),
    "acomp.predicted": ("Previsto", "Predicted"),
    "acomp.real": ("Real", "Actual"),
    "acomp.year": ("Lista de qual ano", "List of which year"),
    "acomp.precision": ("Precisão", "Precision"),
    "acomp.precision_help": (
        "Dos apontados que aparecem no ano seguinte, quantos realmente ficaram Críticos ou em "
        "Alerta.",
        "Of the flagged students who appear in the next year, how many really became Critical "
        "or Alert.",
    ),
    "acomp.recall": ("Cobertura (recall)", "Coverage (recall)"),
    "acomp.recall_help": (
        "Dos que ficaram Críticos ou em Alerta no ano seguinte, quantos a lista tinha apontado.",
        "Of those who became Critical or Alert the next year, how many the list had flagged.",
    ),
    "acomp.by_class_title": ("Por classe", "By class"),
    "acomp.col_flagged": ("Apontados", "Flagged"),
    "acomp.col_known": ("No ano seguinte", "In the next year"),
    "acomp.col_lagged": ("Crítico ou Alerta depois", "Critical or Alert after"),
    "acomp.col_exact": ("Mesma classe depois", "Same class after"),
    "acomp.col_missed": ("Não apontados nesta classe", "Missed in this class"),
    "acomp.hits_title": (
        "Apontados que realmente defasaram ({n})",
        "Flagged students who really lagged ({n})",
    ),
    # Probable copies (banner on Início, Risco, Aluno; review on Dados)
    "copy.banner": (
        "Atenção: os dados de {year} parecem uma cópia dos de {previous} (Defasagem igual "
        "para {share} dos alunos) e ainda não foram revisados. Confira a planilha de {year} "
        "antes de usar estas previsões; a revisão é feita na página Dados.",
        "Warning: the {year} data look like a copy of {previous} (same Defasagem for {share} "
        "of the students) and have not been reviewed yet. Check the {year} spreadsheet before "
        "using these predictions; the review is done on the Data page.",
    ),
    "copy.review_title": ("Provável cópia: {year}", "Probable copy: {year}"),
    "copy.review_intro": (
        "Enquanto o ano não for revisado, a lista, as exportações e a API avisam que os dados "
        "podem ser uma cópia, e as transições {previous}→{year} ficam fora do treino.",
        "Until the year is reviewed, the list, the exports and the API warn that the data may "
        "be a copy, and the {previous}→{year} transitions stay out of training.",
    ),
    "copy.reason": ("Motivo da decisão (obrigatório)", "Reason for the decision (required)"),
    "copy.reason_placeholder": (
        "por exemplo: planilha conferida com a secretaria",
        "e.g. spreadsheet checked with the school office",
    ),
    "copy.accept": ("Aceitar o ano {year}", "Accept year {year}"),
    "copy.keep": ("Manter o aviso", "Keep the warning"),
    "copy.need_reason": (
        "Escreva o motivo antes de decidir.",
        "Write the reason before deciding.",
    ),
    "copy.accepted": (
        "Ano {year} aceito: o aviso saiu das listas e as transições entram no treino.",
        "Year {year} accepted: the warning left the lists and the transitions enter training.",
    ),
    "copy.kept": (
        "Aviso de {year} mantido; a decisão foi registrada.",
        "Warning of {year} kept; the decision was recorded.",
    ),
    "copy.history": ("Decisões sobre cópias", "Copy decisions"),
    "copy.decision_accept": ("aceito", "accepted"),
    "copy.decision_keep": ("aviso mantido", "warning kept"),
    "copy.admin_only": (
        "Um administrador pode aceitar o ano ou manter o aviso nesta página.",
        "An administrator can accept the year or keep the warning on this page.",
    ),
    # Why a class, why this order (Risco, Aluno)
    "why.above_critical": (
        "{label} porque P(Crítico) = {p_critical}, acima do limiar de {t_critical} usado para "
        "esse modelo.",
        "{label} because P(Critical) = {p_critical}, above the {t_critical} threshold used "
        "for this model.",
    ),
    "why.above_lagging": (
        "{label} porque P(Crítico) = {p_critical} ficou abaixo do limiar de {t_critical}, mas "
        "P(Crítico ou Alerta) = {p_lagging} está acima do limiar de {t_lagging} usado para "
        "esse modelo.",
        "{label} because P(Critical) = {p_critical} is below the {t_critical} threshold, but "
        "P(Critical or Alert) = {p_lagging} is above the {t_lagging} threshold used for this "
        "model.",
    ),
    "why.below_both": (
        "{label} porque P(Crítico) = {p_critical} e P(Crítico ou Alerta) = {p_lagging} ficaram "
        "abaixo dos limiares de {t_critical} e {t_lagging} usados para esse modelo.",
        "{label} because P(Critical) = {p_critical} and P(Critical or Alert) = {p_lagging} are "
        "below the {t_critical} and {t_lagging} thresholds used for this model.",
    ),
    "why.no_thresholds": (
        "{label}: P(Crítico) = {p_critical}, P(Crítico ou Alerta) = {p_lagging}.",
        "{label}: P(Critical) = {p_critical}, P(Critical or Alert) = {p_lagging}.",
    ),
    "why.order": (
        "A lista está em ordem de **risco de defasagem** = P(Crítico) + P(Alerta), do maior "
        "para o menor (coluna *Risco*). A classe vem das regras de decisão do modelo (coluna "
        "*Por que nesta classe*), por isso um aluno em Alerta pode vir antes de um Crítico.",
        "The list is ordered by **lagging risk** = P(Critical) + P(Alert), highest first "
        "(column *Risk*). The class comes from the model's decision rule (column *Why this "
        "class*), so an Alert student can come before a Critical one.",
    ),
    "col.risk_score": ("Risco (ordem)", "Risk (order)"),
    "col.why": ("Por que nesta classe", "Why this class"),
    "risco.year": ("Lista do ano", "List of year"),
    "risco.year_help": (
        "A lista de um ano é a que foi entregue naquele ano, mesmo depois de novos dados ou "
        "modelos.",
        "A year's list is the one given that year, even after new data or models.",
    ),
    "aluno.why_title": ("**Por que nesta classe:**", "**Why this class:**"),
    "common.tz_label": ("horário de {city}", "{city} time"),
}


def language() -> str:
    """The language chosen in the sidebar (Portuguese outside a Streamlit session)."""
    try:
        import streamlit as st

        code = st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)
    except Exception:  # no Streamlit session (plain Python, unit tests)
        return DEFAULT_LANGUAGE
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def init_language() -> None:
    """Default the language switch to Portuguese on the first run of a session."""
    import streamlit as st

    if st.session_state.get(LANG_KEY) not in LANGUAGES:
        st.session_state[LANG_KEY] = DEFAULT_LANGUAGE


def t(key: str, **values: Any) -> str:
    """The text of ``key`` in the current language, with ``{placeholders}`` filled in."""
    entry = CATALOG.get(key)
    if entry is None:
        return key
    text = entry[1] if language() == "en" else entry[0]
    return text.format(**values) if values else text
