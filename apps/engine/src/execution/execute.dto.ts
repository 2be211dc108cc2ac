import { IsBoundedName, IsStepList } from '@app/sample-kit';

/** Body of `POST /execute`. */
export class ExecuteDto {
  @IsBoundedName(100)
  workflow_id!: string;

  @IsStepList()
  steps!: string[];
}
